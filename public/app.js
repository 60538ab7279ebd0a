// Digital Twin chat page. Server text reaches the DOM only as text, never HTML.
(() => {
  'use strict';
  const EMBED = new URLSearchParams(location.search).get('embed') === '1';
  const FRAMED = window.parent !== window;
  const root = document.documentElement;
  if (EMBED) root.classList.add('embed');
  if (EMBED && FRAMED) root.classList.add('framed');

  // The API's limits on history; no event for IDLE_MS: give up, offer a retry.
  const MAX_HISTORY = 20, MAX_TURN_CHARS = 4000, IDLE_MS = 30000, SLOW_MS = 6000;
  // The feedback API's limit on the comment and on the question sent along.
  const MAX_FEEDBACK_CHARS = 500;
  const LABELS = { faq: 'FAQ', goals: 'Career goals' };
  const ICONS = {
    email: 'M4 6h16v12H4z M4 7l8 6 8-6',
    website: 'M3 12a9 9 0 1 0 18 0 9 9 0 0 0-18 0Z M3 12h18 M12 3c3 3 3 15 0 18c-3-3-3-15 0-18',
    linkedin: 'M5 9v10 M5 5v.01 M10 19v-6a3 3 0 0 1 6 0v6 M10 10v9',
    github: 'M8 7l-5 5 5 5 M16 7l5 5-5 5 M13.5 5l-3 14',
    pin: 'M12 21s-6-5.3-6-11a6 6 0 1 1 12 0c0 5.7-6 11-6 11Z M12 10h.01',
    info: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20Z M12 16v-4 M12 8h.01',
    alert: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20Z M12 8v4 M12 16h.01',
    thumb: 'M3 10h4v10H3z M7 10l4-7c1.5 0 2.5 1.2 2.2 2.7L12.5 9H19a2 2 0 0 1 2 2.3l-1.2 7a2 2 0 0 1-2 1.7H7'
  };

  let profile = null;
  let turns = [];    // finished exchanges: [{role, content}]
  let active = null; // the request in flight
  let stick = true, seq = 0;
  const els = {};

  function h(tag, attrs, kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v);
    }
    for (const c of kids || []) if (c != null) el.append(c);
    return el;
  }

  function icon(name) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    const path = document.createElementNS(ns, 'path');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', 'icon');
    path.setAttribute('d', ICONS[name]);
    svg.append(path);
    return svg;
  }

  const announce = (text) => {
    els.status.textContent = '';
    setTimeout(() => { els.status.textContent = text; }, 30);
  };
  const firstName = () => (profile && profile.name ? profile.name.split(/\s+/)[0] : 'the twin');
  const label = (s) => LABELS[s] || String(s || '').replace(/^./, (c) => c.toUpperCase());
  const safeUrl = (url) => {
    try {
      const u = new URL(url, location.href);
      return /^(https?|mailto):$/.test(u.protocol) ? u.href : null;
    } catch (e) { return null; }
  };

  function loadProfile() {
    els.banner.hidden = true;
    fetch('/api/profile', { headers: { Accept: 'application/json' } })
      .then((res) => (res.ok ? res.json() : errorFrom(res).then((m) => { throw new Error(m); })))
      .then(renderProfile)
      .catch((err) => {
        els.banner.replaceChildren('Could not load the profile: ' + humanError(err) + ' ',
          h('button', { type: 'button', class: 'btn btn-small', text: 'Retry', onclick: loadProfile }));
        els.banner.hidden = false;
        if (!profile) { els.name.textContent = 'Digital Twin'; els.headline.textContent = ''; }
      });
  }

  function renderProfile(p) {
    profile = p || {};
    const name = profile.name || 'Digital Twin';
    document.title = 'Chat with ' + name;
    els.name.textContent = name;
    els.headline.textContent = profile.headline || '';
    els.avatar.textContent = name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join('').toUpperCase();
    if (profile.location) {
      els.location.replaceChildren(icon('pin'), profile.location);
      els.location.hidden = false;
    }
    const c = profile.contact || {};
    els.contact.replaceChildren();
    for (const [kind, url, text] of [['email', c.email && 'mailto:' + c.email, 'Email'],
      ['website', c.website, 'Website'], ['linkedin', c.linkedin, 'LinkedIn'], ['github', c.github, 'GitHub']]) {
      const href = url && safeUrl(url);
      if (!href) continue;
      const ext = kind !== 'email';
      els.contact.append(h('a', {
        class: 'contact-link', href, title: ext ? href : c.email,
        target: ext && '_blank', rel: ext && 'noopener noreferrer'
      }, [icon(kind), h('span', { text })]));
    }
    els.introTitle.textContent = `Hi, I\u2019m ${firstName()}. Ask me about my work.`;
    els.introText.textContent = (profile.summary ? profile.summary + ' ' : '') +
      'I\u2019m an AI twin: I answer only from my profile and cite my sources.';
    els.input.placeholder = `Ask ${firstName()} a question\u2026`;
    els.suggestions.replaceChildren(...(profile.suggested_questions || []).map((q) =>
      h('button', { type: 'button', class: 'chip', text: q, onclick: () => ask(q) })));
  }

  function scrollToEnd(force) {
    if (force || stick) els.chat.scrollTop = els.chat.scrollHeight;
  }

  function setBusy(busy) {
    els.input.disabled = busy;
    els.send.setAttribute('aria-label', busy ? 'Stop answering' : 'Send');
    els.send.title = busy ? 'Stop (Esc)' : 'Send (Enter)';
    els.send.classList.toggle('stop', busy);
    for (const b of els.suggestions.querySelectorAll('button')) b.disabled = busy;
  }

  function addAssistant() {
    const text = h('div', { class: 'answer-text' });
    const thinking = h('div', { class: 'thinking' }, [
      h('span', { class: 'dots', 'aria-hidden': 'true' }, [h('i'), h('i'), h('i')]),
      h('span', { text: 'Thinking\u2026' })
    ]);
    const bubble = h('div', { class: 'bubble' }, [thinking, text]);
    const msg = h('div', { class: 'msg assistant', 'data-state': 'thinking', 'aria-busy': 'true' }, [bubble]);
    els.log.append(msg);
    return { msg, bubble, text, thinking, raw: '', citations: [], id: ++seq };
  }

  function ask(question) {
    question = (question || '').trim();
    if (!question || active) return;
    els.intro.classList.add('asked');
    els.log.append(h('div', { class: 'msg user' }, [h('div', { class: 'bubble', text: question })]));
    stick = true;
    send(question, addAssistant());
    els.input.value = '';
    autosize();
  }

  function send(question, view) {
    const history = turns.slice(-MAX_HISTORY)
      .map((t) => ({ role: t.role, content: t.content.slice(0, MAX_TURN_CHARS) }));
    const ctl = new AbortController();
    const req = { ctl, view, question, reason: null, gotToken: false, q: [], tokens: 0 };
    const push = (name, data) => enqueue(req, name, data);
    active = req;
    setBusy(true);
    announce(firstName() + ' is thinking\u2026');
    scrollToEnd(true);

    let idle;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => { req.reason = 'timeout'; ctl.abort(); }, IDLE_MS);
    };
    arm();
    const slow = setTimeout(() => {
      if (!req.gotToken) view.thinking.lastChild.textContent = 'Still thinking\u2026';
    }, SLOW_MS);

    fetch('/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify({ message: question, history }),
      signal: ctl.signal
    }).then((res) => {
      if (!res.ok) return errorFrom(res).then((m) => { throw { shown: m, status: res.status }; });
      return readSse(res.body, (name, data) => { arm(); push(name, data); });
    }).then(() => push('end'), (err) => {
      if (req.reason === 'stop') return;
      if (req.reason === 'timeout') {
        push('fail', { message: `No response for ${IDLE_MS / 1000} seconds. The twin may be busy or your connection slow.` });
      } else if (err && err.shown) push('fail', { message: err.shown, status: err.status });
      else push('fail', { message: humanError(err) });
    }).finally(() => { clearTimeout(idle); clearTimeout(slow); });
  }

  // Events apply in order, but a burst of tokens (a fast server may send a whole
  // answer in one chunk) is shown over a few frames; no pacing in hidden tabs.
  function enqueue(req, name, data) {
    if (req.finished) return;
    req.q.push([name, data || {}]);
    if (name === 'token') req.tokens++;
    schedule(req);
  }
  function schedule(req) {
    if (req.scheduled) return;
    req.scheduled = true;
    const run = () => { req.scheduled = false; drain(req); };
    if (document.hidden) setTimeout(run, 0); else requestAnimationFrame(run);
  }
  function drain(req) {
    let budget = document.hidden ? Infinity
      : Math.ceil(req.q.filter((e) => e[0] === 'token').length / 6) || 1;
    while (req.q.length && !req.finished) {
      if (req.q[0][0] === 'token' && budget-- <= 0) return schedule(req);
      const [name, data] = req.q.shift();
      onEvent(req, name, data);
    }
  }

  function onEvent(req, name, data) {
    if (req.finished || active !== req) return;
    const v = req.view;
    if (name === 'meta') {
      v.citations = Array.isArray(data.citations) ? data.citations : [];
    } else if (name === 'token' && typeof data.text === 'string') {
      if (!req.gotToken) {
        req.gotToken = true;
        v.msg.setAttribute('data-state', 'streaming');
        v.thinking.remove();
      }
      v.raw += data.text;
      renderAnswer(v);
      scrollToEnd();
    } else if (name === 'done') {
      finish(req, data);
    } else if (name === 'error' || name === 'fail') {
      fail(req, data.message || 'The answer broke off.', data.status);
    } else if (name === 'end') {
      fail(req, req.gotToken ? 'The answer was cut off.' : 'The twin closed the connection without answering.');
    }
  }

  const MARKER = /\[(\d{1,2})\]/g;

  function renderAnswer(v) {
    const known = new Map(v.citations.map((c) => [String(c.n), c]));
    const parts = [];
    let last = 0;
    for (const m of v.raw.matchAll(MARKER)) {
      const c = known.get(m[1]);
      if (!c) continue;
      // A marker stays on the line of the word before it.
      const before = v.raw.slice(last, m.index).replace(/\s+$/, '');
      const cut = before.search(/\S*$/);
      const cite = h('button', {
        type: 'button', class: 'cite', 'data-n': c.n, text: String(c.n),
        'aria-label': `Source ${c.n}: ${c.title || ''}`, onclick: () => showSource(v, c.n)
      });
      parts.push(before.slice(0, cut), h('span', { class: 'nowrap' }, [before.slice(cut), h('sup', { class: 'cite-wrap' }, [cite])]));
      last = m.index + m[0].length;
    }
    parts.push(v.raw.slice(last));
    v.text.replaceChildren(...parts);
  }

  function showSource(v, n) {
    const item = v.msg.querySelector(`.source[data-n="${n}"]`);
    if (!item) return;
    for (const s of v.msg.querySelectorAll('.source.hl')) s.classList.remove('hl');
    void item.offsetWidth; // restarts the animation
    item.classList.add('hl');
    item.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    item.focus({ preventScroll: true });
  }

  function renderSources(v, numbers) {
    const list = v.citations.filter((c) => numbers.includes(c.n)).sort((a, b) => a.n - b.n);
    if (!list.length) return;
    const ol = h('ol', { class: 'sources', 'aria-label': 'Sources' }, list.map((c) => {
      const title = h('span', { class: 'source-title', text: c.title || c.id || 'Profile' });
      const href = c.source && safeUrl(c.source);
      return h('li', { class: 'source', 'data-n': c.n, id: `src-${v.id}-${c.n}`, tabindex: '-1' }, [
        h('span', { class: 'source-n', text: String(c.n) }),
        h('span', { class: 'source-body' }, [
          href && /^https?:/.test(href)
            ? h('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'source-link' }, [title])
            : title,
          c.section ? h('span', { class: 'source-section', text: label(c.section) }) : null
        ])
      ]);
    }));
    v.bubble.append(h('div', { class: 'sources-wrap' }, [h('p', { class: 'sources-label', text: 'Sources' }), ol]));
  }

  // done: the `done` event's data, or null when the visitor stopped the answer.
  function finish(req, done) {
    req.finished = true;
    const v = req.view;
    const stopped = !done;
    done = done || {};
    v.thinking.remove();
    renderAnswer(v);
    const covered = stopped || done.covered !== false;
    const inText = [...v.raw.matchAll(MARKER)].map((m) => +m[1]);
    const cited = Array.isArray(done.cited) && done.cited.length ? done.cited : null;
    v.msg.setAttribute('data-state', stopped ? 'stopped' : 'done');
    v.msg.setAttribute('data-tokens', String(req.tokens));
    v.msg.setAttribute('data-covered', String(covered));
    if (done.mode) v.msg.setAttribute('data-mode', done.mode);
    v.msg.removeAttribute('aria-busy');
    if (!covered) v.bubble.prepend(h('p', { class: 'badge not-covered' }, [icon('info'), 'Not covered by my profile']));
    // Sources: those `done` lists as cited (plus any marker in the text), else all.
    renderSources(v, stopped ? inText : cited ? cited.concat(inText) : v.citations.map((c) => c.n));
    const meta = [];
    if (stopped) meta.push('Stopped');
    else if (done.mode === 'extractive') meta.push('Offline answer, quoted from my profile');
    else if (done.mode === 'degraded') meta.push('Offline fallback answer');
    else if (done.mode === 'generative') meta.push('AI-written from my profile');
    const ms = done.timings && done.timings.total_ms;
    if (typeof ms === 'number') meta.push(ms < 1000 ? Math.max(1, Math.round(ms)) + ' ms' : (ms / 1000).toFixed(1) + ' s');
    const line = h('p', { class: 'msg-meta', text: meta.join(' \u00b7 ') });
    const email = profile && profile.contact && profile.contact.email;
    if (!covered && email) line.append(' \u00b7 ', h('a', { href: 'mailto:' + email, text: 'Email ' + firstName() }));
    if (line.textContent) v.bubble.append(line);
    if (!stopped && typeof done.answer_id === 'string' && done.answer_id && v.raw.trim()) {
      v.bubble.append(feedbackFor(done.answer_id, req.question, v.id));
    }
    if (v.raw.trim()) turns.push({ role: 'user', content: req.question }, { role: 'assistant', content: v.raw });
    release(req);
  }

  // Thumbs under a finished answer: one vote per answer, and a thumbs-down
  // may carry a short comment. The question goes along because the server
  // keeps no answers; it uses it only to file a ticket for the owner.
  function feedbackFor(answerId, question, n) {
    let sent = false, busy = false;
    const label = 'What was missing or wrong? (optional)';
    const thumb = (rating, text) => {
      const b = h('button', {
        type: 'button', class: 'fb-btn', 'data-rating': rating, 'aria-label': text, title: text,
        'aria-pressed': 'false', onclick: () => choose(rating)
      }, [icon('thumb')]);
      if (rating === 'down') b.firstChild.classList.add('flip');
      return b;
    };
    const up = thumb('up', 'Helpful'), down = thumb('down', 'Not helpful');
    const status = h('span', { class: 'fb-status', role: 'status' });
    const error = h('p', { class: 'fb-error', role: 'alert', hidden: true });
    const count = h('span', { class: 'fb-count', id: `fb-count-${n}`, text: `0/${MAX_FEEDBACK_CHARS}` });
    const comment = h('textarea', {
      class: 'fb-comment', id: `fb-comment-${n}`, rows: '2', maxlength: String(MAX_FEEDBACK_CHARS),
      placeholder: label, 'aria-describedby': count.id
    });
    const form = h('form', { class: 'fb-form', hidden: true }, [
      h('label', { class: 'sr-only', for: comment.id, text: label }),
      comment,
      h('div', { class: 'fb-actions' }, [
        count,
        h('button', { type: 'button', class: 'btn btn-small', text: 'Cancel', onclick: () => cancel() }),
        h('button', { type: 'submit', class: 'btn btn-small btn-primary fb-send', text: 'Send' })
      ])
    ]);
    const wrap = h('div', { class: 'feedback', 'data-state': 'idle' }, [
      h('div', { class: 'fb-row', role: 'group', 'aria-label': 'Rate this answer' }, [up, down, status]),
      form, error
    ]);
    const press = (rating) => {
      for (const b of [up, down]) b.setAttribute('aria-pressed', String(b.dataset.rating === rating));
    };
    const clip = (text) => Array.from(text).slice(0, MAX_FEEDBACK_CHARS).join('');

    function choose(rating) {
      if (sent || busy) return;
      error.hidden = true;
      if (rating === 'up') {
        form.hidden = true;
        press('up');
        submit('up');
      } else if (form.hidden) {
        press('down');
        form.hidden = false;
        comment.focus({ preventScroll: true });
        (wrap.parentElement || wrap).scrollIntoView({ block: 'nearest' });
      } else {
        cancel();
      }
    }
    function cancel() {
      if (busy) return;
      form.hidden = true;
      error.hidden = true;
      press(null);
      down.focus();
    }
    function submit(rating) {
      if (sent || busy) return;
      busy = true;
      error.hidden = true;
      wrap.setAttribute('data-state', 'sending');
      wrap.setAttribute('aria-busy', 'true');
      status.textContent = 'Sending\u2026';
      const body = { answer_id: answerId, rating };
      const text = rating === 'down' ? comment.value.trim() : '';
      if (text) body.comment = clip(text);
      body.question = clip(String(question || '').trim());
      fetch('/api/feedback', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body)
      }).then((res) => {
        if (!res.ok) {
          return errorFrom(res, 'Too many ratings at once. Wait a moment and try again.')
            .then((m) => { throw { shown: m }; });
        }
      }).then(() => {
        sent = true;
        wrap.setAttribute('data-state', 'sent');
        form.remove();
        for (const b of [up, down]) b.setAttribute('aria-disabled', 'true');
        press(rating);
        status.textContent = 'Thanks for the feedback!';
        (rating === 'up' ? up : down).focus({ preventScroll: true });
      }, (err) => {
        wrap.setAttribute('data-state', 'error');
        status.textContent = '';
        error.textContent = (err && err.shown) || humanError(err);
        error.hidden = false;
        if (rating === 'up') press(null);
      }).finally(() => {
        busy = false;
        wrap.removeAttribute('aria-busy');
      });
    }

    form.addEventListener('submit', (e) => { e.preventDefault(); submit('down'); });
    comment.addEventListener('input', () => {
      count.textContent = `${comment.value.length}/${MAX_FEEDBACK_CHARS}`;
    });
    comment.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit('down');
      } else if (e.key === 'Escape') {
        // Closes the comment box, not the chat or the widget around it.
        e.preventDefault();
        e.stopPropagation();
        cancel();
      }
    });
    return wrap;
  }

  function fail(req, message, status) {
    req.finished = true;
    const v = req.view;
    v.thinking.remove();
    v.msg.setAttribute('data-state', 'error');
    v.msg.removeAttribute('aria-busy');
    renderAnswer(v);
    const retry = h('button', { type: 'button', class: 'btn btn-small retry', text: 'Retry' });
    retry.addEventListener('click', () => {
      if (active) return;
      const fresh = addAssistant();
      v.msg.replaceWith(fresh.msg);
      send(req.question, fresh);
    });
    v.bubble.append(h('div', { class: 'msg-error', role: 'alert', 'data-status': status },
      [icon('alert'), h('span', { class: 'msg-error-text', text: message }), retry]));
    release(req);
  }

  function release(req) {
    if (active !== req) return;
    active = null;
    setBusy(false);
    scrollToEnd();
    const ae = document.activeElement;
    const wasHere = !ae || ae === document.body || ae === els.send || ae === els.input || ae.classList.contains('chip');
    if (wasHere && !matchMedia('(pointer: coarse)').matches) els.input.focus();
  }

  function stop() {
    const req = active;
    if (!req) return;
    req.reason = 'stop';
    req.ctl.abort();
    req.q = [];
    finish(req, null);
  }

  function newChat() {
    stop();
    turns = [];
    els.log.replaceChildren();
    els.intro.classList.remove('asked');
    els.input.value = '';
    autosize();
    els.chat.scrollTop = 0;
    els.input.focus();
    announce('New conversation started.');
  }

  function humanError(err) {
    if (navigator.onLine === false) return 'You appear to be offline. Check your connection and retry.';
    if (err instanceof TypeError) return 'Couldn\u2019t reach the twin. Check your connection and retry.';
    return (err && err.message) || 'Something went wrong.';
  }

  function errorFrom(res, tooMany) {
    const fallback = res.status === 429 ? tooMany || 'Too many questions at once. Wait a moment and retry.'
      : `The request failed (HTTP ${res.status}).`;
    return res.text().then((body) => {
      try {
        const m = JSON.parse(body).error.message;
        if (typeof m === 'string' && m) return m;
      } catch (e) { /* not the API's JSON */ }
      return fallback;
    }, () => fallback);
  }

  // SSE over fetch: events split at any byte, LF/CRLF/CR, multi-line data, comments.
  function readSse(body, onEvent) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    const dispatch = (block) => {
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (!line || line[0] === ':') continue;
        const i = line.indexOf(':');
        const field = i < 0 ? line : line.slice(0, i);
        const value = i < 0 ? '' : line.slice(line[i + 1] === ' ' ? i + 2 : i + 1);
        if (field === 'event') name = value;
        else if (field === 'data') data.push(value);
      }
      if (!data.length) return;
      let parsed;
      try { parsed = JSON.parse(data.join('\n')); } catch (e) { return; }
      onEvent(name, parsed || {});
    };
    const split = (final) => {
      // A trailing CR waits: its LF may be in the next chunk.
      const keep = !final && buf.endsWith('\r') ? 1 : 0;
      let text = buf.slice(0, buf.length - keep).replace(/\r\n?/g, '\n');
      let end;
      while ((end = text.indexOf('\n\n')) !== -1) {
        dispatch(text.slice(0, end));
        text = text.slice(end + 2);
      }
      if (final) dispatch(text);
      buf = final ? '' : text + buf.slice(buf.length - keep);
    };
    const pump = () => reader.read().then(({ done, value }) => {
      buf += done ? decoder.decode() : decoder.decode(value, { stream: true });
      split(done);
      return done ? undefined : pump();
    });
    return pump();
  }

  function autosize() {
    els.input.style.height = 'auto';
    els.input.style.height = Math.min(els.input.scrollHeight, 160) + 'px';
  }

  function init() {
    for (const id of ['chat', 'log', 'intro', 'suggestions', 'input', 'send', 'composer', 'banner',
      'status', 'name', 'headline', 'location', 'contact', 'avatar', 'intro-title', 'intro-text']) {
      els[id.replace(/-(.)/, (_, c) => c.toUpperCase())] = document.getElementById(id);
    }
    els.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      if (active) stop(); else ask(els.input.value);
    });
    els.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        ask(els.input.value);
      }
    });
    els.input.addEventListener('input', autosize);
    document.getElementById('new-chat').addEventListener('click', newChat);
    els.chat.addEventListener('scroll', () => {
      const s = els.chat;
      stick = s.scrollHeight - s.scrollTop - s.clientHeight < 120;
    }, { passive: true });
    document.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      if (active) stop();
      else if (EMBED && FRAMED) window.parent.postMessage({ type: 'digital-twin:close' }, '*');
    });
    window.addEventListener('online', () => { if (!profile) loadProfile(); });
    loadProfile();
    if (!EMBED) els.input.focus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();

  // For the browser test.
  window.DigitalTwin = { readSse, turns: () => turns.slice() };
})();
