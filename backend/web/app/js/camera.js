// The rear camera and a QR decoder: the browser's BarcodeDetector where it has one, else jsQR
// (vendored) in a worker. Every API here has a fallback: without a camera the page offers manual entry.

const MAX_SIDE = 1280; // frames are scaled down to this before decoding (enough for a phone's QR)

export function cameraSupported() {
  return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

export async function openCamera(video) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video.muted = true;
  video.setAttribute("playsinline", "");
  video.srcObject = stream;
  await video.play();
  return stream;
}

export function closeCamera(video, stream) {
  if (stream) for (const track of stream.getTracks()) track.stop();
  if (video) video.srcObject = null;
}

async function nativeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
  } catch {
    return null;
  }
}

export async function createDecoder() {
  const native = await nativeDetector();
  if (native) {
    return {
      kind: "native",
      async decode(video) {
        const codes = await native.detect(video);
        return codes.length ? codes[0].rawValue : null;
      },
      close() {},
    };
  }
  const worker = new Worker("/app/js/decode-worker.js");
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  let seq = 0;
  const waiting = new Map();
  worker.onmessage = (event) => {
    const resolve = waiting.get(event.data.id);
    waiting.delete(event.data.id);
    if (resolve) resolve(event.data.text);
  };
  return {
    kind: "jsqr",
    decode(video) {
      const w = video.videoWidth;
      const hgt = video.videoHeight;
      if (!w || !hgt) return Promise.resolve(null);
      const scale = Math.min(1, MAX_SIDE / Math.max(w, hgt));
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(hgt * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const id = ++seq;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ id, width: frame.width, height: frame.height, buffer: frame.data.buffer }, [frame.data.buffer]);
      });
    },
    close() {
      worker.terminate();
      for (const resolve of waiting.values()) resolve(null);
      waiting.clear();
    },
  };
}

// A short beep (valid: one high tone; invalid: two low ones) and a vibration, where supported.
let audio = null;
export function unlockSound() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audio && Ctx) audio = new Ctx();
    if (audio && audio.state === "suspended") audio.resume();
  } catch { /* no sound */ }
}

export function signal(valid) {
  try { if (navigator.vibrate) navigator.vibrate(valid ? 120 : [120, 80, 120]); } catch { /* no vibration */ }
  if (!audio) return;
  try {
    const tones = valid ? [[1046, 0, 0.15]] : [[330, 0, 0.18], [330, 0.26, 0.18]];
    for (const [freq, start, length] of tones) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      osc.type = "square";
      gain.gain.value = 0.08;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + start);
      osc.stop(audio.currentTime + start + length);
    }
  } catch { /* no sound */ }
}
