# Imported by 26_import.hc; imports mod_geometry too (loaded only once per run).
import mod_geometry


def shout(s):
    return s.upper() + "!"


def area_label(r):
    return f"{mod_geometry.circle_area(r):.2f} {mod_geometry.UNIT}^2"
