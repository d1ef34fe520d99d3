def step(grid):
    rows, cols = len(grid), len(grid[0])
    new = []
    for r in range(rows):
        row = []
        for c in range(cols):
            n = 0
            for dr in [-1, 0, 1]:
                for dc in [-1, 0, 1]:
                    if dr == 0 and dc == 0:
                        continue
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < rows and 0 <= cc < cols:
                        n += grid[rr][cc]
            alive = grid[r][c] == 1
            row.append(1 if (alive and n in [2, 3]) or (not alive and n == 3) else 0)
        new.append(row)
    return new


def show(grid):
    for row in grid:
        print("".join(["#" if v else "." for v in row]))
    print()


glider = [[0] * 8 for _ in range(6)]
for r, c in [(0, 1), (1, 2), (2, 0), (2, 1), (2, 2)]:
    glider[r][c] = 1
g = glider
for generation in range(4):
    print("generation", generation)
    show(g)
    g = step(g)
print("alive:", sum([sum(row) for row in g]))
