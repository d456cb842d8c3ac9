" Used by test_editors_vim.py, run in a headless Vim that has editors/vim in
" its 'runtimepath':
"   vim -N -u NONE -i NONE -n -es --cmd 'set rtp^=editors/vim' \
"       -c 'filetype plugin indent on' -c 'syntax on' \
"       -c 'source tests/editors/vim_dump.vim' -c 'call FlowDump(IN, OUT)' -c 'qa!'
"
" FlowDump(files, out): for every file, its 'filetype', then one line per
" line of the file: `byte-column:syntax-group` wherever the group changes.
" FlowReindent(files, out): every file after `gg=G`, one after the other.

function! FlowDump(files, out) abort
  let result = []
  for f in a:files
    execute 'silent edit ' . fnameescape(f)
    call add(result, '== ' . f . ' ' . &filetype)
    for l in range(1, line('$'))
      let runs = []
      let prev = "\n"
      let text = getline(l)
      for c in range(1, len(text))
        let name = synIDattr(synID(l, c, 1), 'name')
        if name !=# prev
          call add(runs, c . ':' . name)
          let prev = name
        endif
      endfor
      call add(result, join(runs, ' '))
    endfor
    silent bwipeout!
  endfor
  call writefile(result, a:out)
endfunction

function! FlowReindent(files, out) abort
  let result = []
  for f in a:files
    execute 'silent edit ' . fnameescape(f)
    call add(result, '== ' . f . ' ' . &filetype . ' sw=' . shiftwidth() . ' cms=' . &commentstring)
    silent normal! gg=G
    call extend(result, getline(1, '$'))
    silent bwipeout!
  endfor
  call writefile(result, a:out)
endfunction
