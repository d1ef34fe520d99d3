# SYNTAX TEST "source.hypercode" "keywords, constants and statements"
# A small grade book: every statement keyword of HyperCode.
import math
# <------ keyword.control.import.hypercode
#      ^^^^ entity.name.namespace.hypercode
import helpers
#      ^^^^^^^ entity.name.namespace.hypercode

def grade(score, passing=50):
# <--- storage.type.function.hypercode
#   ^^^^^ entity.name.function.hypercode
#         ^^^^^ meta.function.hypercode variable.parameter.function.hypercode
#                ^^^^^^^ variable.parameter.function.hypercode
#                       ^ keyword.operator.assignment.hypercode
#                        ^^ meta.function.hypercode constant.numeric.integer.hypercode - variable.parameter.function.hypercode
    assert score >= 0, "scores start at zero"
#   ^^^^^^ keyword.control.flow.hypercode
    if score >= 90:
#   ^^ keyword.control.flow.hypercode
        return "A"
#       ^^^^^^ keyword.control.flow.hypercode
    elif score >= passing:
#   ^^^^ keyword.control.flow.hypercode
        return "pass"
    else:
#   ^^^^ keyword.control.flow.hypercode
        return None
#              ^^^^ constant.language.hypercode

total = 0
for score in [95, 40, 70]:
# <--- keyword.control.flow.hypercode
#         ^^ keyword.operator.in.hypercode
    if score < 0 or score > 100 and not True:
#                ^^ keyword.operator.logical.hypercode
#                               ^^^ keyword.operator.logical.hypercode
#                                   ^^^ keyword.operator.logical.hypercode
#                                       ^^^^ constant.language.hypercode
        continue
#       ^^^^^^^^ keyword.control.flow.hypercode
    total += score
else:
    pass
#   ^^^^ keyword.control.flow.hypercode

while total > 0:
# <----- keyword.control.flow.hypercode
    total -= 100
    if total in [5, 6] or total not in [7]:
#                               ^^^^^^ keyword.operator.in.hypercode
        break
#       ^^^^^ keyword.control.flow.hypercode

try:
# <--- keyword.control.flow.hypercode
    print(grade(False))
#               ^^^^^ constant.language.hypercode
except ValueError as problem:
# <------ keyword.control.flow.hypercode
#                 ^^ keyword.control.as.hypercode
#                    ^^^^^^^ - keyword.control.as.hypercode
    raise
#   ^^^^^ keyword.control.flow.hypercode
finally:
# <------- keyword.control.flow.hypercode
    print("done")

# Names that only contain keywords stay names.
format_if = 1
# <--------- - keyword.control.flow.hypercode
iffy = None
# <---- - keyword.control.flow.hypercode
imported = True
# <-------- - keyword.control.import.hypercode
