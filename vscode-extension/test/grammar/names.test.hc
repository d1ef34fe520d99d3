# SYNTAX TEST "source.hypercode" "functions, built-ins, methods, math and error kinds"
def average(numbers):
#   ^^^^^^^ entity.name.function.hypercode
#           ^^^^^^^ variable.parameter.function.hypercode
    if len(numbers) == 0:
#      ^^^ support.function.builtin.hypercode
        raise ValueError("there are no numbers yet")
#             ^^^^^^^^^^ support.type.exception.hypercode
    return sum(numbers) / len(numbers)
#          ^^^ support.function.builtin.hypercode

def describe(value, width=max(1, 2), kind="any"):
#   ^^^^^^^^ entity.name.function.hypercode
#                         ^^^ support.function.builtin.hypercode
#                                    ^^^^ variable.parameter.function.hypercode
    return str(value) + type(value)
#          ^^^ support.function.builtin.hypercode
#                       ^^^^ support.function.builtin.hypercode

print(average([1, 2, 3]), sorted([3, 1], reverse=True))
# <----- support.function.builtin.hypercode
#     ^^^^^^^ entity.name.function.call.hypercode
#                         ^^^^^^ support.function.builtin.hypercode
for i, word in enumerate(zip(range(3), reversed(list("abc")))):
#              ^^^^^^^^^ support.function.builtin.hypercode
#                        ^^^ support.function.builtin.hypercode
#                            ^^^^^ support.function.builtin.hypercode
#                                      ^^^^^^^^ support.function.builtin.hypercode
#                                               ^^^^ support.function.builtin.hypercode
    pass
ok = all([any([]), bool(0), abs(-1) > min(1, 2)]) and round(float(int("3")))
#    ^^^ support.function.builtin.hypercode
#         ^^^ support.function.builtin.hypercode
#                  ^^^^ support.function.builtin.hypercode
#                           ^^^ support.function.builtin.hypercode
#                                     ^^^ support.function.builtin.hypercode
#                                                     ^^^^^ support.function.builtin.hypercode
#                                                           ^^^^^ support.function.builtin.hypercode
#                                                                 ^^^ support.function.builtin.hypercode
pairs = dict(tuple([1, 2]) for x in [1]) or input("name? ") or env("HOME", "")
#       ^^^^ support.function.builtin.hypercode
#            ^^^^^ support.function.builtin.hypercode
#                                           ^^^^^ support.function.builtin.hypercode
#                                                              ^^^ support.function.builtin.hypercode
words = " a b ".strip().split(" ")
#               ^^^^^ support.function.builtin.method.hypercode
#                       ^^^^^ support.function.builtin.method.hypercode
#              ^ punctuation.accessor.hypercode
title = "-".join(words).upper().lower().title().replace("a", "b")
#           ^^^^ support.function.builtin.method.hypercode
#                       ^^^^^ support.function.builtin.method.hypercode
#                               ^^^^^ support.function.builtin.method.hypercode
#                                       ^^^^^ support.function.builtin.method.hypercode
#                                               ^^^^^^^ support.function.builtin.method.hypercode
flags = [title.startswith("A"), title.endswith("z"), title.isdigit(), title.isalpha(), title.find("b"), title.count("b"), title.lstrip(), title.rstrip()]
#              ^^^^^^^^^^ support.function.builtin.method.hypercode
#                                     ^^^^^^^^ support.function.builtin.method.hypercode
#                                                          ^^^^^^^ support.function.builtin.method.hypercode
#                                                                           ^^^^^^^ support.function.builtin.method.hypercode
#                                                                                            ^^^^ support.function.builtin.method.hypercode
#                                                                                                             ^^^^^ support.function.builtin.method.hypercode
#                                                                                                                               ^^^^^^ support.function.builtin.method.hypercode
#                                                                                                                                               ^^^^^^ support.function.builtin.method.hypercode
words.append(1); words.extend([2]); words.insert(0, 3); words.pop(); words.remove(3)
#     ^^^^^^ support.function.builtin.method.hypercode
#                      ^^^^^^ support.function.builtin.method.hypercode
#                                         ^^^^^^ support.function.builtin.method.hypercode
#                                                             ^^^ support.function.builtin.method.hypercode
#                                                                          ^^^^^^ support.function.builtin.method.hypercode
words.index(2); words.sort(); words.reverse(); words.copy(); words.clear()
#     ^^^^^ support.function.builtin.method.hypercode
#                     ^^^^ support.function.builtin.method.hypercode
#                                   ^^^^^^^ support.function.builtin.method.hypercode
#                                                    ^^^^ support.function.builtin.method.hypercode
#                                                                  ^^^^^ support.function.builtin.method.hypercode
ages = {"ada": 36}
ages.get("bo", 0); ages.keys(); ages.values(); ages.items(); ages.setdefault("cy", 1); ages.update({})
#    ^^^ support.function.builtin.method.hypercode
#                       ^^^^ support.function.builtin.method.hypercode
#                                    ^^^^^^ support.function.builtin.method.hypercode
#                                                   ^^^^^ support.function.builtin.method.hypercode
#                                                                 ^^^^^^^^^^ support.function.builtin.method.hypercode
#                                                                                           ^^^^^^ support.function.builtin.method.hypercode
import helpers
helpers.greet("Ada")
#       ^^^^^ entity.name.function.call.hypercode
helpers.VERSION
#       ^^^^^^^ variable.other.member.hypercode
root = math.sqrt(2) + math.floor(2.5) + math.ceil(0.5) + math.pi + math.e + math.inf
#      ^^^^ entity.name.namespace.hypercode
#           ^^^^ support.function.math.hypercode
#                          ^^^^^ support.function.math.hypercode
#                                            ^^^^ support.function.math.hypercode
#                                                             ^^ support.constant.math.hypercode
#                                                                       ^ support.constant.math.hypercode
#                                                                                ^^^ support.constant.math.hypercode
trig = math.sin(0) + math.cos(0) + math.tan(0) + math.log(1) + math.exp(0) + math.pow(2, 3)
#           ^^^ support.function.math.hypercode
#                         ^^^ support.function.math.hypercode
#                                       ^^^ support.function.math.hypercode
#                                                     ^^^ support.function.math.hypercode
#                                                                   ^^^ support.function.math.hypercode
#                                                                                 ^^^ support.function.math.hypercode
close = math.isclose(0.1 + 0.2, 0.3)
#            ^^^^^^^ support.function.math.hypercode
try:
    print([1][5])
except IndexError:
#      ^^^^^^^^^^ support.type.exception.hypercode
    pass
except KeyError as err:
#      ^^^^^^^^ support.type.exception.hypercode
    pass
except TypeError:
#      ^^^^^^^^^ support.type.exception.hypercode
    pass
except NameError:
#      ^^^^^^^^^ support.type.exception.hypercode
    pass
except ZeroDivisionError:
#      ^^^^^^^^^^^^^^^^^ support.type.exception.hypercode
    pass
except RecursionError:
#      ^^^^^^^^^^^^^^ support.type.exception.hypercode
    pass
except AssertionError:
#      ^^^^^^^^^^^^^^ support.type.exception.hypercode
    pass
except Error as anything:
#      ^^^^^ support.type.exception.hypercode
    pass
length_of = my_len(3) + lenient
#           ^^^^^^ entity.name.function.call.hypercode - support.function.builtin.hypercode
#                       ^^^^^^^ - support.function.builtin.hypercode
