// Decodes QR codes from camera frames off the main thread (a classic worker: older webviews lack module workers).
importScripts("/app/vendor/jsqr-1.4.0/jsQR.js");

self.onmessage = (event) => {
  const { id, width, height, buffer } = event.data;
  let text = null;
  try {
    const code = self.jsQR(new Uint8ClampedArray(buffer), width, height, { inversionAttempts: "attemptBoth" });
    text = code ? code.data : null;
  } catch (err) {
    text = null;
  }
  self.postMessage({ id, text });
};
