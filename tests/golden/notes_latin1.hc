title = "Café"
