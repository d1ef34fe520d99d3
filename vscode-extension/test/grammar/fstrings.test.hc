# SYNTAX TEST "source.hypercode" "f-strings"
name = "Ada"
greeting = f"Hello {name}!"
#          ^ string.interpolated.hypercode storage.type.string.hypercode
#            ^^^^^ string.interpolated.hypercode
#                  ^ string.interpolated.hypercode meta.interpolation.hypercode punctuation.section.interpolation.begin.hypercode
#                   ^^^^ string.interpolated.hypercode meta.interpolation.hypercode meta.embedded.line.hypercode
#                       ^ meta.interpolation.hypercode punctuation.section.interpolation.end.hypercode
#                        ^^ string.interpolated.hypercode - meta.interpolation.hypercode
price = 3.14159
line = f'{price:.2f} and {len(name):>5} and {name!r:^10}'
#       ^ string.interpolated.hypercode punctuation.definition.string.begin.hypercode
#         ^^^^^ meta.embedded.line.hypercode
#              ^ meta.format-spec.hypercode punctuation.separator.format-spec.hypercode
#               ^^^ meta.format-spec.hypercode storage.type.format.hypercode
#                         ^^^ meta.embedded.line.hypercode support.function.builtin.hypercode
#                                   ^^ storage.type.format.hypercode
#                                                ^^ storage.type.format.conversion.hypercode
#                                                   ^^^ storage.type.format.hypercode
braces = f"{{not code}} {name}"
#          ^^ string.interpolated.hypercode constant.character.escape.brace.hypercode
#            ^^^^^^^^ string.interpolated.hypercode - meta.interpolation.hypercode
#                    ^^ constant.character.escape.brace.hypercode
#                        ^^^^ meta.interpolation.hypercode
scores = {"ada": 3}
xs = [1, 2, 3]
mixed = f"{scores['ada'] + 1} {xs[1:2]} {x if x > 0 else -x} \n"
#                 ^^^^^ meta.interpolation.hypercode string.quoted.single.hypercode
#                        ^ meta.interpolation.hypercode keyword.operator.arithmetic.hypercode
#                                 ^^^ - meta.format-spec.hypercode
#                                          ^^ meta.interpolation.hypercode keyword.control.flow.hypercode
#                                                            ^^ string.interpolated.hypercode constant.character.escape.hypercode
width = 8
nested = f"{name:>{width}} {math.sqrt(2):.3f} {'#' * 3}"
#                  ^^^^^ meta.format-spec.hypercode meta.interpolation.hypercode
#                                ^^^^ meta.interpolation.hypercode support.function.math.hypercode
#                                        ^^^ storage.type.format.hypercode
#                                              ^^^ meta.interpolation.hypercode string.quoted.single.hypercode - comment.line.number-sign.hypercode
report = f"""Total:
#        ^ string.interpolated.hypercode storage.type.string.hypercode
  {sum(xs)} items, {'done' if True else 'busy'}
#  ^^^ meta.interpolation.hypercode support.function.builtin.hypercode
#                             ^^^^ meta.interpolation.hypercode constant.language.hypercode
"""
# <--- string.interpolated.hypercode punctuation.definition.string.end.hypercode
upper = F"{name.upper()}"
#       ^ storage.type.string.hypercode
#               ^^^^^ meta.interpolation.hypercode support.function.builtin.method.hypercode
plain = "not {interpolated}"
#            ^^^^^^^^^^^^^^ string.quoted.double.hypercode - meta.interpolation.hypercode
done = True
#      ^^^^ constant.language.hypercode - string.interpolated.hypercode
