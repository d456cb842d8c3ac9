" Vim filetype plugin
" Language:    flow (flowc: CRM automation rules, *.flow)
" Maintainer:  the flowc project

if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

" `# comment`; gcc, commentary and `gq` know how to comment and wrap.
setlocal commentstring=#\ %s
setlocal comments=:#
setlocal formatoptions-=t formatoptions+=croql
" Two spaces a level, as in the examples and `flowc fmt`.
setlocal expandtab shiftwidth=2 softtabstop=2
" Names may contain letters of any language, digits and `_`.
setlocal iskeyword=@,48-57,_,192-255
" `gf` on `use "common.flow"`
setlocal suffixesadd=.flow
setlocal matchpairs=(:),{:},[:]

let b:undo_ftplugin = "setlocal commentstring< comments< formatoptions< expandtab< shiftwidth<"
      \ . " softtabstop< iskeyword< suffixesadd< matchpairs<"

let &cpo = s:cpo_save
unlet s:cpo_save
