// LSP's own position types, as they travel in JSON (zero-based lines, UTF-16 characters).
// Plain module: no `vscode` import.

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
