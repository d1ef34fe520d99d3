# notes_latin1.hc was saved as Latin-1, not UTF-8.
import notes_latin1

print(notes_latin1.title)
