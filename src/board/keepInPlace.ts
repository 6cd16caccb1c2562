/**
 * Puts `next` into `container` by changing only what differs from what is there: the board redraws on every
 * snapshot (about twice a second), and replacing its rows would take the keyboard focus off a button and lose a
 * click that lands between two redraws.
 */
export function replaceInPlace(container: Element, next: Node[]): void {
  const old = [...container.childNodes];
  next.forEach((node, i) => {
    const there = old[i];
    if (there) morph(there, node);
    else container.append(node);
  });
  for (const extra of old.slice(next.length)) extra.remove();
}

function morph(there: Node, wanted: Node): void {
  if (there.nodeType !== wanted.nodeType || there.nodeName !== wanted.nodeName) {
    (there as ChildNode).replaceWith(wanted);
    return;
  }
  if (there.nodeType === Node.TEXT_NODE) {
    if (there.nodeValue !== wanted.nodeValue) there.nodeValue = wanted.nodeValue;
    return;
  }
  if (!(there instanceof HTMLElement) || !(wanted instanceof HTMLElement)) return;
  for (const { name } of [...there.attributes]) if (!wanted.hasAttribute(name)) there.removeAttribute(name);
  for (const { name, value } of [...wanted.attributes])
    if (there.getAttribute(name) !== value) there.setAttribute(name, value);
  // Handlers are properties, not attributes: the new row's carry the current call or agent.
  there.onclick = wanted.onclick;
  if (there instanceof HTMLButtonElement && wanted instanceof HTMLButtonElement) there.disabled = wanted.disabled;
  replaceInPlace(there, [...wanted.childNodes]);
}
