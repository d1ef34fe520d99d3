"""Every sentence voice coding says to the person, in one place (calm, one idea each)."""

from __future__ import annotations

NOT_UNDERSTOOD = "I didn't catch a command in that."
NOTHING_HEARD = "I heard sound but no words I know."
RATE_LIMITED = ("That's a lot of commands in one minute. I'm pausing voice commands for a moment; "
                "nothing was changed. Try again in {seconds} seconds.")
NO_DICTATION = ("Dictation needs a speech-to-text service, and none is set up "
                "(HYPERCODE_STT_URL). Spelling still works: say 'spell mode'.")
DICTATION_FAILED = "The speech-to-text service didn't answer ({reason}). Nothing was changed."
NO_FUNCTION = "There is no function called '{name}' in this file."
NO_NAME = "There is no name '{name}' in this file to rename."
NOT_IN_FUNCTION = "The cursor isn't inside a function, so there is no function to add a parameter to."
PARAMETER_EXISTS = "The function '{function}' already has a parameter called '{name}'."
NO_IF = "There is no 'if' around the cursor to add an 'else' to."
HAS_ELSE = "This 'if' already has an 'else'."
NO_ERRORS = "There are no problems in this file."
NO_MORE_ERRORS = "There are no more problems {direction} the cursor. Starting again from the {edge}."
NO_FIX = "There is no automatic fix for this problem. Say 'explain error' to hear what it means."
FORMAT_NEEDS_SYNTAX = "Formatting needs the syntax errors fixed first. Say 'next error' to find them."
LINE_OUT_OF_RANGE = "This file has {count} lines, so there is no line {line}."
NOT_A_NAME = "'{name}' can't be a name. Names use letters, digits and '_', and keywords can't be names."
BAD_SPELLING = "I couldn't spell that. Say letters ('t o t a l') or NATO words ('tango oscar')."
SUGGESTIONS_INTRO = "You can say, for example:"

__all__ = [name for name in dir() if name.isupper()]
