" Vim indent file
" Language:    flow (flowc: CRM automation rules, *.flow)
" Maintainer:  the flowc project
"
" Brace-based: one 'shiftwidth' more inside `{ ... }`, one less on a line
" that starts with `}`.  The clauses of a robot or a trigger written on the
" following lines (`after 15m`, `if ...`) are indented one level under it,
" and `and` / `or` lines of a condition one more under the `if`; so are an
" expectation's `at DATE TIME` and `because "..."` on the lines after it.
" Lines inside a """triple-quoted""" string are left as they are.

if exists("b:did_indent")
  finish
endif
let b:did_indent = 1

setlocal autoindent
setlocal indentexpr=GetFlowIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O,e,0=after,0=before,0=if,0=and,0=or
setlocal nolisp nosmartindent nocindent

let b:undo_indent = "setlocal autoindent< indentexpr< indentkeys< lisp< smartindent< cindent<"

if exists("*GetFlowIndent")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

let s:item = '^\s*\%(robot\|trigger\)\>'
" An expectation's clauses on the lines after it: `at DATE [TIME]` with
" nothing after it (else it is a timed event) and `because "..."`.
let s:expect = '^\s*expect\>'
let s:xclause = '^\s*\%(at\s\+\d\{4}-\d\d-\d\d\%(\s\+\d\{1,2}:\d\d\S*\)\=\s*\%(#.*\)\=$\|because\>\)'
let s:clause = '^\s*\%(\%(after\|before\|at\|in\|immediately\|if\|and\|or\|not\)\>\|\d\)'

function! s:InString(lnum) abort
  " Is the start of the line inside a triple-quoted string?
  if !exists("g:syntax_on")
    return 0
  endif
  let col = max([1, match(getline(a:lnum), '\S') + 1])
  return synIDattr(synID(a:lnum, col, 1), "name") ==# "flowTripleString"
        \ && getline(a:lnum) !~ '^\s*"""\S'
endfunction

function! s:Code(lnum) abort
  " The line without strings and comment.
  let line = getline(a:lnum)
  let line = substitute(line, '\\.', '', 'g')
  let line = substitute(line, '"""\%(\%("""\)\@!.\)*"""', '', 'g')
  let line = substitute(line, '""".*$', '', '')
  let line = substitute(line, '"[^"]*"', '', 'g')
  let line = substitute(line, '"[^"]*$', '', '')
  return substitute(line, '#.*$', '', '')
endfunction

function! s:PrevCode(lnum) abort
  " The nearest line at or above lnum with code (not blank, not only a comment,
  " not inside a triple-quoted string).
  let lnum = prevnonblank(a:lnum)
  while lnum > 0 && (getline(lnum) =~ '^\s*#' || s:InString(lnum))
    let lnum = prevnonblank(lnum - 1)
  endwhile
  return lnum
endfunction

function! s:Opens(lnum) abort
  " How many blocks the line leaves open (a leading `}` is its own line's business).
  let code = s:Code(a:lnum)
  let n = len(substitute(code, '[^{]', '', 'g')) - len(substitute(code, '[^}]', '', 'g'))
  if code =~ '^\s*}'
    let n += 1
  endif
  return n
endfunction

function! s:HeadOf(lnum, depth) abort
  " The robot or trigger line that line lnum belongs to (0 if none).
  if a:lnum <= 0 || a:depth > 50
    return 0
  endif
  let line = getline(a:lnum)
  if line =~ '^\s*}'
    " `} after 15m`: the block of parameters of the robot opened above
    let save = getpos('.')
    call cursor(a:lnum, match(line, '}') + 1)
    let open = searchpair('{', '', '}', 'bW',
          \ 'synIDattr(synID(line("."), col("."), 1), "name") =~? "string\\|comment"')
    call setpos('.', save)
    return open > 0 && getline(open) =~ s:item ? open : 0
  endif
  if line =~ s:item
    return a:lnum
  endif
  if line =~ s:clause
    return s:HeadOf(s:PrevCode(a:lnum - 1), a:depth + 1)
  endif
  return 0
endfunction

function! GetFlowIndent(lnum) abort
  if s:InString(a:lnum)
    return -1
  endif
  let prev = s:PrevCode(a:lnum - 1)
  if prev == 0
    return 0
  endif
  let cur = getline(a:lnum)
  let sw = shiftwidth()
  if cur =~ s:xclause
    let head = prev
    while head > 0 && getline(head) =~ s:xclause
      let head = s:PrevCode(head - 1)
    endwhile
    if head > 0 && getline(head) =~ s:expect
      return indent(head) + sw
    endif
  endif
  if getline(prev) =~ s:xclause
    " the line after an expectation's clause: back under the expectation
    let head = prev
    while head > 0 && getline(head) =~ s:xclause
      let head = s:PrevCode(head - 1)
    endwhile
    if head > 0 && getline(head) =~ s:expect
      return indent(head) - (cur =~ '^\s*}' ? sw : 0)
    endif
  endif
  if s:Opens(prev) > 0
    return indent(prev) + sw - (cur =~ '^\s*}' ? sw : 0)
  endif
  let head = s:HeadOf(prev, 0)
  if head > 0
    if cur =~ '^\s*\%(and\|or\)\>' && getline(prev) =~ '^\s*\%(if\|and\|or\)\>'
      return indent(prev) + (getline(prev) =~ '^\s*if\>' ? sw : 0)
    endif
    if cur =~ s:clause
      return indent(head) + sw
    endif
    let ind = indent(head)
  else
    let ind = indent(prev)
  endif
  return ind - (cur =~ '^\s*}' ? sw : 0)
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
