// The builder's and template editor's rich text editor: TipTap behind a tiny API that
// RichTextEditor.razor drives through IJSObjectReference.
import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';

// Liquid tags are plain text to the editor, but the HTML serializer escapes <, > and & inside
// them ({% if a < b %} would become {% if a &lt; b %}); put them back so Liquid reads what the user wrote.
const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&nbsp;': ' ' };

export function restoreLiquid(html) {
    return html.replace(LIQUID, tag => tag.replace(/&(?:amp|lt|gt|nbsp);/g, entity => ENTITIES[entity]));
}

function htmlOf(editor) {
    // An empty document serialises as <p></p>; the server must see "no body", not an empty paragraph.
    return editor.isEmpty ? '' : restoreLiquid(editor.getHTML());
}

const COMMANDS = {
    bold: chain => chain.toggleBold(),
    italic: chain => chain.toggleItalic(),
    underline: chain => chain.toggleUnderline(),
    bulletList: chain => chain.toggleBulletList(),
    orderedList: chain => chain.toggleOrderedList(),
    heading: chain => chain.toggleHeading({ level: 2 }),
    undo: chain => chain.undo(),
    redo: chain => chain.redo(),
};

/**
 * Mounts an editor in `element`. Every user edit calls `dotnet.invokeMethodAsync('OnEditorChanged', html)`.
 * An edit that makes the html longer than `maxLength` (a huge paste) is undone and reported with
 * `OnEditorTooLong(length)` instead: the server would refuse it, and a message that large would end the circuit.
 * Returns the handle the component keeps as an IJSObjectReference.
 */
export function create(element, dotnet, html, readOnly, maxLength) {
    let lastHtml = html ?? '';
    const editor = new Editor({
        element,
        editable: !readOnly,
        content: lastHtml,
        // No autolinking: "lead.company" looks like a domain, and turning it into a link would break {{ lead.company }}.
        extensions: [StarterKit.configure({ link: { openOnClick: false, autolink: false, linkOnPaste: false } })],
        editorProps: { attributes: { class: 'rte-content', 'data-testid': 'rich-text-content' } },
        onUpdate: ({ editor: e }) => {
            const next = htmlOf(e);
            if (next === lastHtml) return;
            if (maxLength && next.length > maxLength) {
                e.commands.setContent(lastHtml, { emitUpdate: false });
                dotnet.invokeMethodAsync('OnEditorTooLong', next.length).catch(() => { /* circuit gone: nothing to tell */ });
                return;
            }
            lastHtml = next;
            dotnet.invokeMethodAsync('OnEditorChanged', next).catch(() => { /* circuit gone: nothing to tell */ });
        },
    });

    // TipTap's focus() gives the focus back on the next animation frame. A key typed before that frame went to what
    // had the focus, the chip or button just clicked: it was lost, and a space or Enter clicked that chip again.
    // The view's own focus() is immediate and puts the caret back where the selection was.
    const focusNow = () => {
        if (!editor.view.hasFocus()) editor.view.focus();
    };

    return {
        setContent(value) {
            const next = value ?? '';
            if (next === lastHtml) return;
            lastHtml = next;
            editor.commands.setContent(next, { emitUpdate: false });
        },
        setEditable(editable) {
            editor.setEditable(!!editable, false);
        },
        insertText(text) {
            focusNow();
            // Plain text, not HTML: "{{ lead.first_name }}" must land as typed characters.
            editor.chain().focus().insertContent({ type: 'text', text }).run();
        },
        run(command) {
            const apply = COMMANDS[command];
            if (!apply) return;
            focusNow();
            apply(editor.chain().focus()).run();
        },
        // A link on the selected text; with nothing selected, the address itself becomes the linked text. An empty
        // href takes the link off the text under the caret.
        setLink(href) {
            focusNow();
            const chain = editor.chain().focus().extendMarkRange('link');
            if (!href) {
                chain.unsetLink().run();
                return;
            }
            if (editor.state.selection.empty && !editor.isActive('link')) {
                chain.insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run();
                return;
            }
            chain.setLink({ href }).run();
        },
        getHtml() {
            return htmlOf(editor);
        },
        destroy() {
            editor.destroy();
        },
    };
}
