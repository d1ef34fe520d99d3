# SYNTAX TEST "source.hypercode" "match and case are soft keywords"
def describe(command):
    match command:
#   ^^^^^ keyword.control.flow.hypercode
        case ["go", direction]:
#       ^^^^ keyword.control.flow.hypercode
            return f"going {direction}"
        case [first, *rest] if first > 0:
#       ^^^^ keyword.control.flow.hypercode
#                    ^ keyword.operator.unpacking.hypercode
#                           ^^ keyword.control.flow.hypercode
            return len(rest)
        case "quit" | "exit":
#                   ^ keyword.operator.pattern.alternative.hypercode
            return None
        case 0 | -1:  # numbers, too
#       ^^^^ keyword.control.flow.hypercode
#                     ^^^^^^^^^^^^^^ comment.line.number-sign.hypercode
            return "zero"
        case math.pi:
#       ^^^^ keyword.control.flow.hypercode
#                 ^^ support.constant.math.hypercode
            return "pi"
        case _:
#       ^^^^ keyword.control.flow.hypercode
            return "unknown"

# As ordinary names they are not keywords.
match = "a match"
# <----- - keyword.control.flow.hypercode
case = 3
# <---- - keyword.control.flow.hypercode
print(match, case)
#     ^^^^^ - keyword.control.flow.hypercode
#            ^^^^ - keyword.control.flow.hypercode
match.upper()
# <----- - keyword.control.flow.hypercode
#     ^^^^^ support.function.builtin.method.hypercode
case += 1
# <---- - keyword.control.flow.hypercode
match == "x"
# <----- - keyword.control.flow.hypercode
matches = [match for match in [1, 2]]
# <----- - keyword.control.flow.hypercode
