// HostCity web shell: hash routing, login with a bearer token, and a small API helper.
import { renderHome } from "./pages/home.js";
import { renderBrain } from "./pages/brain.js";
import { renderPass } from "./pages/pass.js";
import { renderReplay } from "./pages/replay.js";

const TOKEN_KEY = "hostcity.token";
const pages = { home: renderHome, brain: renderBrain, pass: renderPass, replay: renderReplay };
let currentUser = null;
let cleanup = null;

export function token() { return localStorage.getItem(TOKEN_KEY); }
export function user() { return currentUser; }

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// What to show a person for a failure: the API's message with its hint, or the error's text.
export function errorText(err) {
  if (err instanceof ApiError) return err.body.hint ? `${err.message} (${err.body.hint})` : err.message;
  return err instanceof Error ? err.message : String(err);
}

// Call the API with the stored token; JSON in and out unless a FormData body is given.
export async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = {};
  const t = token();
  if (t) headers["Authorization"] = `Bearer ${t}`;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload });
  if (raw && response.ok) return response;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// Poll a job until it ends, calling onProgress(job) on each update.
export async function waitForJob(jobId, onProgress, intervalMs = 400) {
  for (;;) {
    const job = await api(`/api/jobs/${jobId}`);
    if (onProgress) onProgress(job);
    if (job.status === "succeeded" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function toast(message, kind = "info") {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.className = `toast ${kind}`;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 5000);
}

// Build DOM: h("div", {class: "x", onclick: fn}, child, "text", ...).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value);
  }
  for (const child of children.flat()) if (child) el.append(child);
  return el;
}

function renderWho() {
  const who = document.getElementById("who");
  const form = document.getElementById("login-form");
  const existing = document.getElementById("who-name");
  if (existing) existing.remove();
  if (currentUser) {
    form.hidden = true;
    who.append(h("span", { id: "who-name" },
      h("b", {}, currentUser.name), ` (${currentUser.role}) `,
      h("button", { type: "button", onclick: logout }, "Log out")));
  } else {
    form.hidden = false;
  }
}

async function login(newToken) {
  localStorage.setItem(TOKEN_KEY, newToken.trim());
  try {
    currentUser = await api("/api/me");
    toast(`Logged in as ${currentUser.name}`, "ok");
  } catch (error) {
    localStorage.removeItem(TOKEN_KEY);
    currentUser = null;
    toast(`Login failed: ${error.message}`, "error");
  }
  renderWho();
  route();
}

function logout() {
  localStorage.removeItem(TOKEN_KEY);
  currentUser = null;
  renderWho();
  route();
}

function route() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [name, ...rest] = hash.split("/");
  const page = pages[name] ? name : "home";
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.page === page);
  if (typeof cleanup === "function") cleanup();
  const main = document.getElementById("page");
  main.replaceChildren();
  main.dataset.page = page;
  cleanup = pages[page](main, { user: currentUser, args: rest });
}

async function start() {
  document.getElementById("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = document.getElementById("token-input").value;
    if (value) login(value);
  });
  const match = location.hash.match(/login=([^&]+)/);
  if (match) {
    history.replaceState(null, "", location.pathname + "#/");
    await login(decodeURIComponent(match[1]));
    return;
  }
  if (token()) {
    try { currentUser = await api("/api/me"); } catch { localStorage.removeItem(TOKEN_KEY); }
  }
  renderWho();
  route();
}

window.addEventListener("hashchange", route);
start();

// Render a tab strip; each tab's render(el, ctx) may return a cleanup function.
export function tabs(main, list, ctx) {
  const strip = h("div", { class: "tabs", role: "tablist" });
  const body = h("div", { class: "tab-body" });
  let cleanupTab = null;
  const wanted = (ctx.args && ctx.args[0]) || list[0].id;
  function show(id) {
    if (typeof cleanupTab === "function") cleanupTab();
    for (const b of strip.children) b.classList.toggle("active", b.dataset.tab === id);
    body.replaceChildren();
    const tab = list.find((t) => t.id === id) || list[0];
    cleanupTab = tab.render(body, ctx);
  }
  for (const t of list) {
    strip.append(h("button", { type: "button", role: "tab", id: `tab-${t.id}`, dataset: { tab: t.id },
      onclick: () => show(t.id) }, t.title));
  }
  main.append(strip, body);
  show(wanted);
  return () => { if (typeof cleanupTab === "function") cleanupTab(); };
}
