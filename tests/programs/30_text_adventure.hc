rooms = {
    "hall": {"desc": "a dusty hall", "exits": {"north": "library", "east": "kitchen"}},
    "library": {"desc": "shelves of old books", "exits": {"south": "hall"}, "item": "key"},
    "kitchen": {"desc": "a cold kitchen", "exits": {"west": "hall", "down": "cellar"}},
    "cellar": {"desc": "a locked treasure room", "exits": {"up": "kitchen"}, "locked": True},
}
state = {"room": "hall", "inventory": [], "moves": 0, "won": False}
commands = ["look", "go east", "go down", "go west", "go north", "take key", "take key",
            "go south", "go east", "go down", "dance", "inventory"]


def step(command):
    words = command.split()
    room = rooms[state["room"]]
    match words:
        case ["look"]:
            return f"You see {room['desc']}. Exits: {', '.join(sorted(room['exits']))}"
        case ["go", direction]:
            target = room["exits"].get(direction)
            if target == None:
                return "You can't go that way."
            if rooms[target].get("locked") and "key" not in state["inventory"]:
                return "The door is locked."
            state["room"] = target
            state["moves"] += 1
            if target == "cellar":
                state["won"] = True
            return f"You walk {direction} to the {target}."
        case ["take", item]:
            if room.get("item") == item:
                state["inventory"].append(item)
                room.pop("item")
                return f"Taken: {item}"
            return f"There is no {item} here."
        case ["inventory"]:
            return f"You carry: {state['inventory']}"
        case _:
            return f"I don't understand '{command}'."


for c in commands:
    print(f"> {c}")
    print(step(c))
print("moves:", state["moves"], "won:", state["won"])
