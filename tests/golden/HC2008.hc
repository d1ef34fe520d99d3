print(int("forty"))
