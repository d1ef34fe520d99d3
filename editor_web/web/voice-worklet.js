// hyperflow voice capture: the microphone's samples (mono, the context's rate) to the page as
// 16-bit PCM, about 20 ms a message. No gain, no filtering: the server does the DSP.
class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.size = Math.round(sampleRate / 50);
    this.chunk = new Int16Array(this.size);
    this.used = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const s = Math.max(-1, Math.min(1, channel[i]));
      this.chunk[this.used++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.used === this.chunk.length) {
        this.port.postMessage(this.chunk.buffer, [this.chunk.buffer]);
        this.chunk = new Int16Array(this.size); // the old one was handed over (detached)
        this.used = 0;
      }
    }
    return true;
  }
}

registerProcessor("hyperflow-pcm-capture", PcmCapture);
