/*
 * wedge.js — keyboard-wedge barcode scanner input.
 *
 * A handheld scanner in keyboard-wedge mode "types" the code: characters a few milliseconds apart, then a
 * terminator (Enter or Tab). People type with gaps of 50 ms or more. This module watches keystrokes on the whole
 * page and calls `onScan(code, info)` once per scan:
 *   - a burst (every gap <= maxGapMs, at least minLength characters, ended by a terminator) is a scan wherever the
 *     focus was; the burst's characters are taken back out of whatever field they landed in (e.g. the qty field);
 *   - in the scan field itself, Enter/Tab after slow typing is a manual entry (info.source = "keyboard");
 *   - configured prefix/suffix strings are stripped (many scanners are set to add e.g. "STX" or a suffix);
 *   - GS1 group separators: scanners send FNC1 as ASCII 29, which a keyboard wedge types as Ctrl+] or as a
 *     configured substitute character (gsSubstitute); both come out as "\x1d" in the code.
 *
 * Usage: Wedge.attach({input, onScan, maxGapMs: 35, minLength: 3, prefix: "", suffix: "", gsSubstitute: null})
 * Returns {detach()}. Pure DOM, no dependencies.
 */
(function (root) {
  "use strict";
  var GS = "\x1d";

  function attach(opts) {
    var input = opts.input;
    var maxGap = opts.maxGapMs || 35;
    var minLength = opts.minLength || 3;
    var prefix = opts.prefix || "";
    var suffix = opts.suffix || "";
    var gsSub = opts.gsSubstitute || null;
    var buf = [];          // characters of the current burst candidate
    var last = 0;          // time of the previous character
    var gaps = [];
    var startField = null; // field the burst landed in, and its value before the burst
    var startValue = "";

    function reset() { buf = []; gaps = []; startField = null; startValue = ""; }

    function clean(code) {
      if (gsSub) code = code.split(gsSub).join(GS);
      if (prefix && code.indexOf(prefix) === 0) code = code.slice(prefix.length);
      if (suffix && code.slice(-suffix.length) === suffix) code = code.slice(0, -suffix.length);
      return code.replace(/^[\s]+|[\s]+$/g, "");
    }

    function isBurst() {
      if (buf.length < minLength) return false;
      for (var i = 0; i < gaps.length; i++) if (gaps[i] > maxGap) return false;
      return true;
    }

    function onKey(ev) {
      var now = ev.timeStamp || Date.now();
      var t = ev.target;
      var inScanField = t === input;
      if (ev.key === "Enter" || ev.key === "Tab") {
        var burst = isBurst() && (now - last) <= maxGap * 3;
        if (inScanField) {
          ev.preventDefault();
          var typed = clean(input.value);
          input.value = "";
          reset();
          if (typed) opts.onScan(typed, {source: burst ? "scanner" : "keyboard"});
          return;
        }
        if (burst) {
          ev.preventDefault();
          if (startField && "value" in startField) startField.value = startValue;  // take the burst back out
          var code = clean(buf.join(""));
          reset();
          input.focus();
          if (code) opts.onScan(code, {source: "scanner"});
          return;
        }
        reset();
        return;
      }
      var ch = null;
      if (ev.ctrlKey && (ev.key === "]" || ev.code === "BracketRight")) ch = GS;
      else if (ev.key && ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) ch = ev.key;
      if (ch === null) return;
      if (buf.length && now - last > maxGap) reset();
      if (!buf.length) {
        startField = inScanField ? null : t;
        startValue = (startField && "value" in startField) ? startField.value : "";
      } else {
        gaps.push(now - last);
      }
      buf.push(ch);
      last = now;
      if (ch === GS && inScanField) { ev.preventDefault(); input.value += GS; }
      // A burst that starts where no field takes text (page body, a button) goes to the scan field.
      if (!inScanField && !(t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA"))) {
        ev.preventDefault();
        input.focus();
        input.value += ch;
      }
    }

    document.addEventListener("keydown", onKey, true);
    return {detach: function () { document.removeEventListener("keydown", onKey, true); }};
  }

  root.Wedge = {attach: attach, GS: GS};
})(window);
