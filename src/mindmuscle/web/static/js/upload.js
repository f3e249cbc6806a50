// multipart/form-data POST for file uploads (import, EMG, experiments), with the CSRF token and
// the API's readable error message.

import { ApiError, ensureCsrf } from "./api.js";

export async function postForm(path, form) {
  const res = await fetch(path, {
    method: "POST",
    headers: { Accept: "application/json", "X-CSRF-Token": await ensureCsrf() },
    body: form,
    credentials: "same-origin",
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!res.ok) {
    if (res.status === 401) location.href = "/login?next=" + encodeURIComponent(location.pathname);
    throw new ApiError(res.status, (data && data.message) || res.statusText, data);
  }
  return data;
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}
