"""Graph algorithms on small directed graphs of hashable, ordered nodes:
strongly connected components (Tarjan) and elementary cycles (bounded, as in
Johnson's algorithm).  Nothing here knows about flows.
"""
from __future__ import annotations


def simple_cycles(succ: dict, limit: int) -> list[list]:
    """Elementary cycles of a small directed graph, each once (rooted at its
    smallest node), at most `limit`; the search is bounded.  As in Johnson's
    algorithm, each root is the smallest node of a strongly connected
    component of the graph of the nodes from it on, and the search stays in
    that component."""
    nodes = sorted(set(succ) | {w for ws in succ.values() for w in ws})
    adj = {v: sorted(set(succ.get(v, ()))) for v in nodes}
    out: list[list] = []
    budget = 200_000
    start = 0
    while start < len(nodes) and len(out) < limit and budget > 0:
        sub = nodes[start:]
        keep = set(sub)
        sub_adj = {v: [w for w in adj[v] if w in keep] for v in sub}
        comp = components(sub, sub_adj)
        sizes: dict = {}
        for c in comp.values():
            sizes[c] = sizes.get(c, 0) + 1
        root = next((v for v in sub if sizes[comp[v]] > 1 or v in sub_adj[v]), None)
        if root is None:
            break
        c = comp[root]
        stack = [(root, iter(sub_adj[root]))]
        path = [root]
        on_path = {root}
        while stack and len(out) < limit and budget > 0:
            budget -= 1
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                on_path.discard(path.pop())
                continue
            if nxt == root:
                out.append(list(path))
                continue
            if nxt in on_path or comp[nxt] != c:
                continue
            path.append(nxt)
            on_path.add(nxt)
            stack.append((nxt, iter(sub_adj[nxt])))
        start = nodes.index(root) + 1
    return out


def components(nodes: list, adj: dict) -> dict:
    """Strongly connected components (Tarjan, iterative): node -> component number."""
    index: dict = {}
    low: dict = {}
    comp: dict = {}
    stack: list = []
    on_stack: set = set()
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(adj.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(adj.get(w, ()))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp[w] = v
                    if w == v:
                        break
    return comp
