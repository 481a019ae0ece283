// Draw a QR code on a canvas: black modules on white, whole device pixels per module, a quiet
// zone of four modules, at error-correction level M (as the printed card).

import qrcode from "/app/vendor/qrcode-generator-2.0.4/qrcode.mjs";

export function drawQr(canvas, text, cssSize) {
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  const modules = qr.getModuleCount();
  const quiet = 4;
  const total = modules + 2 * quiet;
  const ratio = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  const scale = Math.max(1, Math.floor((cssSize * ratio) / total));
  const side = total * scale;
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, side, side);
  ctx.fillStyle = "#000";
  for (let r = 0; r < modules; r++) {
    for (let c = 0; c < modules; c++) {
      if (qr.isDark(r, c)) ctx.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
    }
  }
  // CSSOM, not a style attribute: allowed under the CSP.
  canvas.style.width = `${side / ratio}px`;
  canvas.style.height = `${side / ratio}px`;
  return modules;
}
