" Vim syntax file
" Language:    flow (flowc: CRM automation rules, *.flow)
" Maintainer:  the flowc project
"
" Same roles as the VS Code grammar (editors/vscode/syntaxes): structure
" keywords, timing, conditions, actions, events, action parameters, names
" where declared, strings with {placeholders} and escapes, durations, dates,
" times, numbers, comments.  The language reserves its keywords only where
" the grammar expects them (a field may be called `title` or `date`), so this
" file follows the blocks with regions and only highlights in each block the
" words that mean something there.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn iskeyword @,48-57,_,192-255
" Blocks nest and strings span lines: parse from the top (files are small).
syn sync fromstart

" A name: a word that does not start with a digit.
let s:n = '\%(\d\)\@!\k\+'
" Words that start a top-level item: an item whose end is not marked ends
" before a line that starts with one of them.
let s:top = '\<\%(calendar\|entity\|pipeline\|employee\|contact\|company\|form\|template\|robot\|trigger\|scenario\|timezone\|use\|stage\)\>'
let s:scenario_items = '\<\%(start\|channel\|record\|at\|run\|expect\)\>'
" Robots and triggers (and their conditions) end at the `}` of their stage,
" at the next robot or trigger, or before a line that starts a new item.
let s:item_end = '\ze}\|\ze\<\%(robot\|trigger\)\>\|^\ze\s*' . s:top

" ------------------------------------------------------------------ lexical

syn keyword flowTodo contained TODO FIXME XXX NOTE
syn match   flowComment /#.*$/ contains=flowTodo,@Spell

syn match   flowBadEscape /\\\%(u\x\{0,3}\|.\)/ contained
syn match   flowEscape /\\\%(["\\nt{}]\|u\x\{4}\|u{\x\{1,6}}\)/ contained
exe 'syn match flowPlaceholder /{[ \t]*' . s:n . '\%(\.' . s:n . '\)*[ \t]*}/ contained'
syn region  flowString start=/"/ skip=/\\\\\|\\"/ end=/"\|$/ oneline contains=flowBadEscape,flowEscape,flowPlaceholder,@Spell
syn region  flowTripleString start=/"""/ end=/"""/ contains=flowBadEscape,flowEscape,flowPlaceholder,@Spell
syn cluster flowStrings contains=flowString,flowTripleString

syn match   flowNumber /\<\d\+\%(_\d\+\)*\%(\.\d\+\)\=\>/
syn match   flowDuration /\<\d\+\%(_\d\+\)*[ \t]*\%(minutes\|minute\|mins\|min\|months\|month\|mo\|m\|hours\|hour\|h\|days\|day\|d\|weeks\|week\|w\|years\|year\|y\)\>/
syn match   flowTime /\<\d\{1,2}:\d\{2}\>/
syn match   flowDate /\<\d\{4}-\d\{2}-\d\{2}\>/
syn cluster flowLiterals contains=flowNumber,flowDuration,flowTime,flowDate

syn match   flowOperator /!=\|<=\|>=\|[=<>+*\/-]/ contained
syn match   flowDelimiter /[,:.()\[\]]/ contained
syn match   flowBrace /[{}]/ contained
exe 'syn match flowPath /' . s:n . '\%(\s*\.\s*' . s:n . '\)\+/ contained contains=flowDelimiter'
syn cluster flowBasics contains=flowComment,@flowStrings,@flowLiterals,flowOperator,flowDelimiter

" Names where they are declared.  Most matches start at the space before the
" name, so that they win over a keyword spelled like the name (`robot call:`).
exe 'syn match flowDeclName /' . s:n . '/ contained'
exe 'syn match flowFunctionName /\s*' . s:n . '\ze\s*:/ contained'

" ------------------------------------------------------------------ top level

syn keyword flowStructure timezone use
syn keyword flowStructure form template nextgroup=flowDeclName skipwhite
syn keyword flowModifier callback

" ------------------------------------------------------------------ calendars

exe 'syn region flowCalendar matchgroup=flowStructure start=/\<calendar\>/ end=/}\@<=\|^\ze\s*' . s:top . '/ contains=flowComment,@flowStrings,flowDeclName,flowCalendarBody'
syn region  flowCalendarBody matchgroup=flowBrace start=/{/ end=/}/ contained contains=@flowBasics,flowCalendarTimezone,flowCalendarWord,flowWeekday,flowRange
syn keyword flowCalendarTimezone contained timezone
syn keyword flowCalendarWord contained hours holidays closed open
syn keyword flowWeekday contained mon tue wed thu fri sat sun
syn match   flowRange /\.\.\|-/ contained

" ------------------------------------------------------------------ entities

exe 'syn region flowEntity matchgroup=flowStructure start=/\<entity\>/ end=/}\@<=\|^\ze\s*' . s:top . '/ contains=flowComment,@flowStrings,flowDeclName,flowSmartProcess,flowEntityBody'
syn keyword flowSmartProcess contained smart process
syn region  flowEntityBody matchgroup=flowBrace start=/{/ end=/}/ contained contains=flowComment,@flowStrings,flowFieldDecl,flowFieldType,flowOptional,flowList,flowDelimiter
" `title: text`: the name before `:` is a field, whatever it is called
exe 'syn match flowFieldDecl /^\s*' . s:n . '\ze\s*:/ contained'
exe 'syn match flowFieldType /\%(:\s*\%(optional\s\+\)\=\)\@<=' . s:n . '/ contained'
syn keyword flowOptional contained optional
syn keyword flowList contained list

" ------------------------------------------------------------------ pipelines

exe 'syn region flowPipeline matchgroup=flowStructure start=/\<pipeline\>/ end=/}\@<=\|^\ze\s*' . s:top . '/ contains=flowComment,@flowStrings,flowDeclName,flowFor,flowPipelineBody'
syn keyword flowFor contained for nextgroup=flowRefName skipwhite
exe 'syn match flowRefName /' . s:n . '/ contained'
syn region  flowPipelineBody matchgroup=flowBrace start=/{/ end=/}/ contained contains=flowComment,@flowStrings,flowStage
exe 'syn region flowStage matchgroup=flowStructure start=/\<stage\>/ end=/}\@<=\|\ze}\|\ze\<stage\>\|^\ze\s*' . s:top . '/ contained contains=flowComment,@flowStrings,flowDeclName,flowFinal,flowStageBody'
syn keyword flowFinal contained success failure
syn region  flowStageBody matchgroup=flowBrace start=/{/ end=/}/ contained contains=flowComment,@flowStrings,flowRobot,flowTrigger,flowUse,flowDelimiter
syn keyword flowUse contained use

" ------------------------------------------------------------------ robots

exe 'syn region flowRobot matchgroup=flowStructure start=/\<robot\>/ end=/' . s:item_end . '/ contains=@flowBasics,flowFunctionName,flowParams,flowCondition,flowAction,flowActionPhrase,flowTo,flowOr,flowTiming,flowRecipient,flowPath'
syn keyword flowAction contained notify create task document repeat lead plan activity set move send email sms chat make call say play invite copy add audience webhook app
" `change responsible to`: one phrase, or `responsible` would read as a recipient
syn match   flowActionPhrase /\<change\s\+responsible\s\+to\>/ contained
syn match   flowActionPhrase /\<change\>/ contained
syn keyword flowTo contained to
syn keyword flowOr contained or
syn keyword flowTiming contained after before at in hours immediately previous
syn keyword flowRecipient contained responsible supervisor

syn region  flowParams matchgroup=flowBrace start=/{/ end=/}/ contained contains=@flowBasics,flowParam,flowParamValue,flowRecipient,flowTiming
syn keyword flowParam contained title description text subject deadline responsible priority color contacts invite address location link attach provider voice volume speed line hidden network observers from to add calendar complete on stage change track clicks
syn keyword flowParamValue contained auto today tomorrow

" ------------------------------------------------------------------ triggers

exe 'syn region flowTrigger matchgroup=flowStructure start=/\<trigger\>/ end=/' . s:item_end . '/ contains=@flowBasics,flowFunctionName,flowCondition,flowEvent,flowTo,flowAllowBack'
syn keyword flowEvent contained field fields changed responsible form submitted callback requested invoice order paid document created opened visit resource booked email received sent link clicked call incoming outgoing missed chat first message accepted task status webhook app
syn keyword flowAllowBack contained allow back

" ------------------------------------------------------------------ conditions

exe 'syn region flowCondition matchgroup=flowConditional start=/\<if\>/ end=/' . s:item_end . '/ contained contains=@flowBasics,flowLogic,flowOperatorWord,flowBoolean,flowConstant,flowPath'
syn keyword flowLogic contained and or not
syn keyword flowOperatorWord contained in is set empty between
" (`contains` cannot be a :syn keyword, it is one of the command's options)
syn match   flowOperatorWord /\<contains\>/ contained
syn keyword flowBoolean contained yes no
syn keyword flowConstant contained today now

" ------------------------------------------------------------------ people

exe 'syn region flowPerson matchgroup=flowStructure start=/\<\%(employee\|contact\|company\)\>/ end=/}\@<=\|\ze}\|^\ze\s*\%(' . s:top . '\|' . s:scenario_items . '\)/ contains=flowComment,@flowStrings,flowDeclName,flowPersonBody'
syn region  flowPersonBody matchgroup=flowBrace start=/{/ end=/}/ contained contains=flowComment,@flowStrings,flowPersonItem
syn keyword flowPersonItem contained email phone chat mailbox supervisor company

" ------------------------------------------------------------------ scenarios

exe 'syn region flowScenario matchgroup=flowStructure start=/\<scenario\>/ end=/}\@<=\|^\ze\s*' . s:top . '/ contains=flowComment,@flowStrings,flowDeclName,flowScenarioBody'
syn region  flowScenarioBody matchgroup=flowBrace start=/{/ end=/}/ contained contains=@flowBasics,flowPerson,flowRecord,flowScenarioRef,flowScenarioWord,flowScenarioStructure,flowScenarioTiming,flowHappening,flowEvent,flowLogic,flowOperatorWord,flowBoolean,flowConstant,flowPath
syn keyword flowScenarioWord contained start run until expect because with for in on to
" `expect robot call on d1`, `move d1 to`, `for d1`: names, whatever they are called
exe 'syn match flowScenarioRef /\%(\<\%(robot\|for\|move\|on\|channel\)\>\)\@<=\s\+' . s:n . '/ contained'
syn keyword flowScenarioStructure contained channel robot stage task activity
syn keyword flowScenarioTiming contained at
syn keyword flowHappening contained move set
syn match   flowHappening /\<complete\s\+task\>/ contained
exe 'syn region flowRecord matchgroup=flowStructure start=/\<record\>/ end=/}\@<=\|\ze}\|^\ze\s*\%(' . s:top . '\|' . s:scenario_items . '\)/ contained contains=flowComment,flowFunctionName,flowRecordIn,flowDelimiter,flowRecordBody'
syn keyword flowRecordIn contained in
syn region  flowRecordBody matchgroup=flowBrace start=/{/ end=/}/ contained contains=@flowBasics,flowRecordField,flowBoolean
exe 'syn match flowRecordField /\%(^\|{\)\s*' . s:n . '/ contained'

" ------------------------------------------------------------------ colours

hi def link flowTodo              Todo
hi def link flowComment           Comment
hi def link flowString            String
hi def link flowTripleString      String
hi def link flowEscape            SpecialChar
hi def link flowBadEscape         Error
hi def link flowPlaceholder       Special
hi def link flowNumber            Number
hi def link flowDuration          Number
hi def link flowTime              Constant
hi def link flowDate              Constant
hi def link flowOperator          Operator
hi def link flowDelimiter         Delimiter
hi def link flowBrace             Delimiter
hi def link flowRange             Delimiter
hi def link flowPath              Identifier
hi def link flowDeclName          Typedef
hi def link flowRefName           Type
hi def link flowFunctionName      Function
hi def link flowStructure         Structure
hi def link flowModifier          StorageClass
hi def link flowSmartProcess      StorageClass
hi def link flowOptional          StorageClass
hi def link flowAllowBack         StorageClass
hi def link flowList              Type
hi def link flowFieldDecl         Identifier
hi def link flowFieldType         Type
hi def link flowFor               Keyword
hi def link flowUse               Structure
hi def link flowFinal             Constant
hi def link flowCalendarTimezone  Structure
hi def link flowCalendarWord      Keyword
hi def link flowWeekday           Constant
hi def link flowAction            Function
hi def link flowActionPhrase      Function
hi def link flowTo                Keyword
hi def link flowOr                Operator
hi def link flowTiming            Repeat
hi def link flowRecipient         Special
hi def link flowParam             Identifier
hi def link flowParamValue        Constant
hi def link flowEvent             Type
hi def link flowConditional       Conditional
hi def link flowLogic             Operator
hi def link flowOperatorWord      Operator
hi def link flowBoolean           Boolean
hi def link flowConstant          Constant
hi def link flowPersonItem        Identifier
hi def link flowScenarioWord      Keyword
hi def link flowScenarioStructure Structure
hi def link flowScenarioTiming    Repeat
hi def link flowHappening         Function
hi def link flowRecordIn          Keyword
hi def link flowRecordField       Identifier

let b:current_syntax = "flow"

let &cpo = s:cpo_save
unlet s:cpo_save
