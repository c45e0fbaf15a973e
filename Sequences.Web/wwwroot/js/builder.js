// Over the builder's canvas the mouse wheel zooms the diagram (Blazor.Diagrams handles it on the server). Blazor
// cannot cancel the browser's own scrolling from there, so the page scrolled away under the pointer at the same time.
// A listener that is not passive may cancel it; the diagram still gets the event.
document.addEventListener("wheel", event => {
    if (event.target instanceof Element && event.target.closest("[data-testid=builder-canvas]")) event.preventDefault();
}, { passive: false });
