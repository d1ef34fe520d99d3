import mod_geometry
import mod_text
import math

print(round(mod_geometry.circle_area(2), 4))
sq = mod_geometry.rectangle(3)
print(sq, mod_geometry.describe(sq))
print(mod_geometry.describe(mod_geometry.rectangle(2, h=5)))
print(mod_text.shout("hello"), mod_text.area_label(1))
print(mod_geometry.UNIT, math.floor(mod_geometry.circle_area(1)))
try:
    mod_geometry.missing_function()
except Exception as e:
    print("missing:", e)
