ages = {"ada": 36, "grace": 45}
print(ages["adaa"])
