# SYNTAX TEST "source.hypercode" "every error kind of hypercode_lang/language/errors.py, Python's hierarchy included"
try:
    x = int("seven")
except ValueError:
#      ^^^^^^^^^^ support.type.exception.hypercode
    pass
except LookupError:
#      ^^^^^^^^^^^ support.type.exception.hypercode
    pass
except ArithmeticError:
#      ^^^^^^^^^^^^^^^ support.type.exception.hypercode
    pass
except UnboundLocalError:
#      ^^^^^^^^^^^^^^^^^ support.type.exception.hypercode
    pass
except EOFError:
#      ^^^^^^^^ support.type.exception.hypercode
    pass
except ModuleNotFoundError:
#      ^^^^^^^^^^^^^^^^^^^ support.type.exception.hypercode
    pass
except AttributeError:
#      ^^^^^^^^^^^^^^ support.type.exception.hypercode
    pass
except OverflowError:
#      ^^^^^^^^^^^^^ support.type.exception.hypercode
    pass
except Exception:
#      ^^^^^^^^^ support.type.exception.hypercode
    raise RuntimeError("again")
#         ^^^^^^^^^^^^ support.type.exception.hypercode
