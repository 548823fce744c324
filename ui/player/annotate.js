// Loss Lab annotations: where a lecture stop's claim points in the figure that plays.
// ui/player.py puts this file in front of each player's own script; a player calls
// drawAnnotations(...) after it has drawn a frame, with the payload's `annotations` (the
// stop's marks, ui/lecture.py: player_marks) and its own data-to-pixel maps.
//
// A mark is {text, x, y, panel, side}: x alone draws a dashed vertical rule, y alone a
// horizontal one, both a ringed point; the label sits beside it on its side on a white box
// (readable over any surface), wrapped to the figure's width. A mark without x and y labels the panel's top left corner. `panel` (a loss name)
// picks one panel of the boundary player; null marks every panel. Text is drawn with
// fillText (canvas text is never markup).

// the marks of one panel (a boundary player's loss), or of the only figure (panel === null)
function annotationsFor(marks, panel) {
  return (marks || []).filter((m) => m.panel === null || m.panel === undefined || m.panel === panel);
}

// `text` in lines no wider than `width` (words kept whole)
function annotationLines(ctx, text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

// the label `text` beside (x, y) on a white box, on the mark's `side` ("left": its right
// edge at x), wrapped to the plot's width and kept inside `box`
function annotationLabel(ctx, text, x, y, box, px, side) {
  const pad = px * 0.3;
  const lines = annotationLines(ctx, text, box.r - box.l - 2 * pad);
  const w = Math.max(...lines.map((t) => ctx.measureText(t).width), 0) + 2 * pad;
  const h = lines.length * px * 1.2 + pad;
  const x0 = side === "left" ? x - w : x;
  const left = Math.min(Math.max(x0, box.l), Math.max(box.l, box.r - w));
  const top = Math.min(Math.max(y, box.t), Math.max(box.t, box.b - h));
  ctx.globalAlpha = 0.88;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(left, top, w, h);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = "#222222";
  ctx.lineWidth = Math.max(1, px / 12);
  ctx.strokeRect(left, top, w, h);
  ctx.fillStyle = "#111111";
  ctx.textBaseline = "top";
  lines.forEach((t, i) => ctx.fillText(t, left + pad, top + pad + i * px * 1.2));
}

// draw `marks` on `ctx`: X, Y map data to canvas pixels, box = {l, t, r, b} is the plot
// area in canvas pixels, px the font size in canvas pixels
function drawAnnotations(ctx, marks, X, Y, box, px) {
  if (!marks || !marks.length) return;
  ctx.save();
  ctx.font = `bold ${Math.round(px)}px sans-serif`;
  ctx.setLineDash([]);
  for (const m of marks) {
    const hasX = typeof m.x === "number", hasY = typeof m.y === "number";
    const text = String(m.text || "");
    ctx.strokeStyle = "#111111";
    ctx.lineWidth = Math.max(2, px / 7);
    if (hasX && !hasY) {
      const x = X(m.x);
      ctx.setLineDash([px / 2, px / 3]);
      ctx.beginPath();
      ctx.moveTo(x, box.t);
      ctx.lineTo(x, box.b);
      ctx.stroke();
      ctx.setLineDash([]);
      annotationLabel(ctx, text, m.side === "left" ? x - px / 3 : x + px / 3, box.t + px / 3, box, px, m.side);
    } else if (hasY && !hasX) {
      const y = Y(m.y);
      ctx.setLineDash([px / 2, px / 3]);
      ctx.beginPath();
      ctx.moveTo(box.l, y);
      ctx.lineTo(box.r, y);
      ctx.stroke();
      ctx.setLineDash([]);
      annotationLabel(ctx, text, box.l + px / 3, y - 1.9 * px, box, px, "right");
    } else if (hasX && hasY) {
      const x = X(m.x), y = Y(m.y);
      ctx.beginPath();
      ctx.arc(x, y, px * 0.6, 0, 2 * Math.PI);
      ctx.stroke();
      annotationLabel(ctx, text, m.side === "left" ? x - px * 0.8 : x + px * 0.8, y - px * 0.6, box, px, m.side);
    } else {
      annotationLabel(ctx, text, box.l + px / 3, box.t + px / 3, box, px, "right");
    }
  }
  ctx.restore();
}
