// Digital Twin widget: <script src="https://your-twin.example/widget.js" async></script>
// Options: data-position="left", data-label="Ask my twin", data-color="#0f766e".
(() => {
  'use strict';
  // currentScript is only set during this first run.
  const isOurs = (s) => s && /\/widget\.js([?#]|$)/.test(s.src || '');
  const script = isOurs(document.currentScript) ? document.currentScript
    : [...document.scripts].reverse().find(isOurs);
  if (!script || window.__digitalTwinWidget) return;
  window.__digitalTwinWidget = true;

  const origin = new URL(script.src, location.href).origin;
  const side = script.dataset.position === 'left' ? 'left' : 'right';
  const label = script.dataset.label || 'Chat with my digital twin';
  let color = script.dataset.color || '#0f766e';
  if (!/^(#[0-9a-f]{3,8}|[a-z]+|(rgb|hsl)a?\([\d\s.,%]+\))$/i.test(color)) color = '#0f766e';

  const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.btn { position: fixed; bottom: 20px; ${side}: 20px; width: 56px; height: 56px; margin: 0; padding: 0; border: 0;
  border-radius: 50%; display: grid; place-items: center; cursor: pointer; background: ${color}; color: #fff;
  box-shadow: 0 6px 20px rgba(0,0,0,.22), 0 2px 6px rgba(0,0,0,.15); transition: transform .15s; }
.btn:hover { transform: scale(1.06); }
.btn:focus-visible { outline: 3px solid #fff; box-shadow: 0 0 0 6px ${color}; }
svg { width: 26px; height: 26px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.close, [aria-expanded="true"] .open { display: none; }
[aria-expanded="true"] .close { display: block; }
.panel { position: fixed; bottom: 88px; ${side}: 20px; width: 400px; max-width: calc(100vw - 40px); height: 640px;
  max-height: calc(100vh - 112px); border-radius: 16px; overflow: hidden; background: #fff; visibility: hidden;
  box-shadow: 0 18px 50px rgba(0,0,0,.28), 0 0 0 1px rgba(0,0,0,.06); opacity: 0; transform: translateY(12px);
  transition: opacity .18s, transform .18s, visibility .18s; }
.panel.open { opacity: 1; transform: none; visibility: visible; }
iframe { display: block; width: 100%; height: 100%; border: 0; }
@media (prefers-color-scheme: dark) { .panel { background: #0b1120; } }
@media (max-width: 480px), (hover: none) and (max-device-width: 480px) {
  .panel { inset: 0; width: 100%; height: 100%; max-width: none; max-height: none; border-radius: 0; }
  .btn[aria-expanded="true"] { top: 12px; bottom: auto; left: auto; right: 12px; width: 40px; height: 40px;
    background: rgba(100,116,139,.18); color: #64748b; box-shadow: none; }
  [aria-expanded="true"] svg { width: 20px; height: 20px; }
}`;
  const ICONS = {
    open: 'M21 12a8 8 0 0 1-11.6 7.1L4 20l1.1-4.6A8 8 0 1 1 21 12Z M8.5 12h.01 M12 12h.01 M15.5 12h.01',
    close: 'M6 6l12 12 M18 6 6 18'
  };

  function mount() {
    // Page CSS can't reach it: a custom tag, !important inline styles, a shadow root.
    const host = document.createElement('digital-twin-widget');
    host.setAttribute('data-digital-twin', '');
    host.style.cssText = 'all: initial !important; display: block !important; position: fixed !important;' +
      ' z-index: 2147483000 !important; top: 0 !important; left: 0 !important; width: 0 !important; height: 0 !important;';
    const root = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = CSS;

    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'btn';
    btn.title = label;
    btn.setAttribute('aria-label', label);
    btn.setAttribute('aria-expanded', 'false');
    btn.setAttribute('aria-controls', 'panel');
    for (const [name, d] of Object.entries(ICONS)) {
      const ns = 'http://www.w3.org/2000/svg';
      const svg = document.createElementNS(ns, 'svg');
      const path = document.createElementNS(ns, 'path');
      svg.setAttribute('viewBox', '0 0 24 24');
      svg.setAttribute('aria-hidden', 'true');
      svg.setAttribute('class', name);
      path.setAttribute('d', d);
      svg.append(path);
      btn.append(svg);
    }

    const panel = document.createElement('div');
    panel.className = 'panel';
    panel.id = 'panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', label);

    let frame = null;
    const isOpen = () => btn.getAttribute('aria-expanded') === 'true';
    const open = () => {
      if (!frame) {
        frame = document.createElement('iframe');
        frame.src = origin + '/?embed=1';
        frame.title = label;
        frame.allow = 'clipboard-write';
        panel.append(frame);
      }
      panel.classList.add('open');
      btn.setAttribute('aria-expanded', 'true');
      btn.setAttribute('aria-label', 'Close chat');
      setTimeout(() => frame.focus(), 50);
    };
    const close = () => {
      if (!isOpen()) return;
      panel.classList.remove('open');
      btn.setAttribute('aria-expanded', 'false');
      btn.setAttribute('aria-label', label);
      btn.focus();
    };
    btn.addEventListener('click', () => (isOpen() ? close() : open()));
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
    // Escape pressed inside the chat (another origin) arrives as a message.
    window.addEventListener('message', (e) => {
      if (frame && e.origin === origin && e.source === frame.contentWindow &&
          e.data && e.data.type === 'digital-twin:close') close();
    });

    root.append(style, panel, btn);
    document.body.append(host);
  }

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
