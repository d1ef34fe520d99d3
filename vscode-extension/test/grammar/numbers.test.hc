# SYNTAX TEST "source.hypercode" "numbers"
answer = 42
#        ^^ constant.numeric.integer.hypercode
population = 1_000_000
#            ^^^^^^^^^ constant.numeric.integer.hypercode
mask = 0xFF + 0x1f + 0XAB_CD
#      ^^^^ constant.numeric.hex.hypercode
#             ^^^^ constant.numeric.hex.hypercode
#                    ^^^^^^^ constant.numeric.hex.hypercode
modes = 0o755 + 0b1010
#       ^^^^^ constant.numeric.octal.hypercode
#               ^^^^^^ constant.numeric.binary.hypercode
pi_ish = 3.14
#        ^^^^ constant.numeric.float.hypercode
tiny = 1e-3
#      ^^^^ constant.numeric.float.hypercode
big = 2.5E+10 + 6e23 + 1_000.000_1
#     ^^^^^^^ constant.numeric.float.hypercode
#               ^^^^ constant.numeric.float.hypercode
#                      ^^^^^^^^^^^ constant.numeric.float.hypercode
half = .5 + 5.
#      ^^ constant.numeric.float.hypercode
#           ^^ constant.numeric.float.hypercode
negative = -7
#           ^ constant.numeric.integer.hypercode
#          ^ keyword.operator.arithmetic.hypercode
name2 = value3 + x1
#   ^ - constant.numeric.integer.hypercode
#            ^ - constant.numeric.integer.hypercode
#                 ^ - constant.numeric.integer.hypercode
item = xs[0]
#         ^ constant.numeric.integer.hypercode
print(round(2.675, 2))
#           ^^^^^ constant.numeric.float.hypercode
#                  ^^^ - constant.numeric.float.hypercode
