# A module imported by 26_import.hc (not a program by itself).
import math

UNIT = "cm"
count = 0


def circle_area(r):
    return math.pi * r * r


def rectangle(w, h=None):
    if h == None:
        h = w
    return {"w": w, "h": h, "area": w * h}


def describe(shape):
    return f"{shape['w']}x{shape['h']} {UNIT}"


print("mod_geometry loaded")
