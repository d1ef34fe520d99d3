# SYNTAX TEST "source.hypercode" "strings and escapes"
single = 'single quotes'
#        ^ string.quoted.single.hypercode punctuation.definition.string.begin.hypercode
#         ^^^^^^^^^^^^^ string.quoted.single.hypercode
double = "double quotes"
#         ^^^^^^^^^^^^^ string.quoted.double.hypercode
#                      ^ string.quoted.double.hypercode punctuation.definition.string.end.hypercode
escapes = "line\nnext\ttab \\ \' \" \u00e9"
#              ^^ string.quoted.double.hypercode constant.character.escape.hypercode
#                    ^^ constant.character.escape.hypercode
#                          ^^ constant.character.escape.hypercode
#                             ^^ constant.character.escape.hypercode
#                                ^^ constant.character.escape.hypercode
#                                   ^^^^^^ constant.character.escape.hypercode
quote = 'it\'s fine'
#          ^^ string.quoted.single.hypercode constant.character.escape.hypercode
#            ^^^^^^ string.quoted.single.hypercode
story = """Once upon a time,
#       ^^^ string.quoted.triple.hypercode punctuation.definition.string.begin.hypercode
a "quoted" word and a # that is not a comment.
#  ^^^^^^ string.quoted.triple.hypercode
#                     ^^^^^^ string.quoted.triple.hypercode - comment.line.number-sign.hypercode
The end."""
#       ^^^ string.quoted.triple.hypercode punctuation.definition.string.end.hypercode
after = 1
# <----- - string.quoted.triple.hypercode
#       ^ constant.numeric.integer.hypercode
poem = '''roses
#      ^^^ string.quoted.triple.hypercode punctuation.definition.string.begin.hypercode
are red\n'''
#      ^^ string.quoted.triple.hypercode constant.character.escape.hypercode
path = r"C:\new\table"
#      ^ string.quoted.raw.double.hypercode storage.type.string.hypercode
#          ^^^^ string.quoted.raw.double.hypercode - constant.character.escape.hypercode
hash = "# not a comment"
#       ^^^^^ string.quoted.double.hypercode - comment.line.number-sign.hypercode
unknown = "\q stays as typed"
#          ^^ string.quoted.double.hypercode - constant.character.escape.hypercode
broken = "this string is never closed
#                        ^^^^^^^^^^^^ string.quoted.double.hypercode
nextline = 2
# <-------- - string.quoted.double.hypercode
#          ^ constant.numeric.integer.hypercode
print "legacy print statement"
# <----- support.function.builtin.hypercode
#      ^^^^^^ string.quoted.double.hypercode
