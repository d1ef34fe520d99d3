# SYNTAX TEST "source.hypercode" "comments"
# A whole-line comment.
# <- comment.line.number-sign.hypercode punctuation.definition.comment.hypercode
# ^^^^^^^^^^^^ comment.line.number-sign.hypercode
x = 1  # after code: if while def "quotes"
#      ^ comment.line.number-sign.hypercode punctuation.definition.comment.hypercode
#                    ^^^^^^^^^^^^ comment.line.number-sign.hypercode - keyword.control.flow.hypercode
#                                 ^^^^^^^^ comment.line.number-sign.hypercode - string.quoted.double.hypercode
y = 2
# <- - comment.line.number-sign.hypercode
    # an indented comment
#   ^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.hypercode
def f():  # trailing on a header
#         ^^^^^^^^^^ comment.line.number-sign.hypercode
    pass
