"""Voice coding for HyperCode (VOICE.md): offline speech commands that show what they heard
before they act.

    dsp         PCM16 → 80 Hz high-pass → 16 kHz → utterances (pocketsphinx's Endpointer)
    recognizer  pocketsphinx + a JSGF grammar for the current document; optional dictation service
    grammar     the JSGF, generated from the command table and the document's names
    commands    THE command table (phrase pattern → builder) and the edits/actions it produces
    patterns    the phrase-pattern language shared by the grammar and the matcher
    numbers     number words · spelling: letters and NATO words · messages: what voice says
    endpoint    the /voice WebSocket protocol (one VoiceSession per connection)

Layering: this package uses `hypercode_lang`; `lsp_server`, `editor_web` and `agent_bridge` use
it; `hypercode_lang` never imports it.
"""
