" flowc: CRM automation rules (*.flow)
autocmd BufRead,BufNewFile *.flow set filetype=flow
