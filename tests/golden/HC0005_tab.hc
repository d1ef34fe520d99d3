if True:
	print("tab")
