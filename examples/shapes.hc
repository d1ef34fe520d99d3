# Shapes: a small module imported by tour.hc (`import shapes`).
import math


def area(width, height):
    return width * height


def circle_area(radius):
    return math.pi * radius ** 2
