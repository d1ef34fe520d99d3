# SYNTAX TEST "source.hypercode" "operators"
a = 7
# ^ keyword.operator.assignment.hypercode
b = a ** 2 // 3 % 4
#     ^^ keyword.operator.arithmetic.hypercode
#          ^^ keyword.operator.arithmetic.hypercode
#               ^ keyword.operator.arithmetic.hypercode
c = a + b - a * b / 2
#     ^ keyword.operator.arithmetic.hypercode
#         ^ keyword.operator.arithmetic.hypercode
#             ^ keyword.operator.arithmetic.hypercode
#                 ^ keyword.operator.arithmetic.hypercode
d = -a + +b
#   ^^ - constant.numeric.integer.hypercode
#   ^ keyword.operator.arithmetic.hypercode
if a == b or a != c or a < b or a <= c or a > b or a >= c:
#    ^^ keyword.operator.comparison.hypercode
#              ^^ keyword.operator.comparison.hypercode
#                        ^ keyword.operator.comparison.hypercode
#                                 ^^ keyword.operator.comparison.hypercode
#                                           ^ keyword.operator.comparison.hypercode
#                                                    ^^ keyword.operator.comparison.hypercode
#                                                        ^ punctuation.separator.colon.hypercode
    pass
if 0 < a < 10 == True:
#    ^ keyword.operator.comparison.hypercode
#             ^^ keyword.operator.comparison.hypercode - keyword.operator.assignment.hypercode
    pass
a += 1
# ^^ keyword.operator.assignment.augmented.hypercode
a -= 1
# ^^ keyword.operator.assignment.augmented.hypercode
a *= 2
# ^^ keyword.operator.assignment.augmented.hypercode
a /= 2
# ^^ keyword.operator.assignment.augmented.hypercode
a //= 2
# ^^^ keyword.operator.assignment.augmented.hypercode
a %= 5
# ^^ keyword.operator.assignment.augmented.hypercode
a **= 3
# ^^^ keyword.operator.assignment.augmented.hypercode
first, second = [1, 2]
#    ^ punctuation.separator.element.hypercode
grid = [[0] * 3 for row in range(3)]
#      ^^ punctuation.section.brackets.begin.hypercode
#           ^ keyword.operator.arithmetic.hypercode - keyword.operator.unpacking.hypercode
scores = {"ada": 3, "bo": 4}
#        ^ punctuation.section.braces.begin.hypercode
#              ^ punctuation.separator.colon.hypercode
#                          ^ punctuation.section.braces.end.hypercode
middle = scores["ada"] if a > 0 else (1, 2)[0]
#                      ^^ keyword.control.flow.hypercode
#                               ^^^^ keyword.control.flow.hypercode
#                                    ^ punctuation.parenthesis.begin.hypercode
#                                         ^ punctuation.parenthesis.end.hypercode
word = "hypercode"[1:4:2]
#                 ^ punctuation.section.brackets.begin.hypercode
#                  ^^^^^ - keyword.operator.arithmetic.hypercode
total = a + \
#           ^ punctuation.separator.continuation.line.hypercode
    b
x = 1; y = 2
#    ^ punctuation.terminator.statement.hypercode
