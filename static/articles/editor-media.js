// Media in the story body, for django-prose-editor (loaded through DJANGO_PROSE_EDITOR_EXTENSIONS; no build step).
// Three atom nodes that store references only, in the format articles/body_media.py reads:
//   <figure data-photo="123" data-size="full"><figcaption>caption for this story</figcaption></figure>
//   <figure data-gallery="12,13,14"><figcaption>title</figcaption></figure>
//   <figure data-embed="youtube" data-url="https://…"><figcaption>title</figcaption></figure>
// The photo chooser searches the library and uploads through photos/chooser.py (the admin's JSON views).
import { Node, Plugin, crel, updateAttrsDialog } from "django-prose-editor/editor"

// The chooser's and the nodes' styles, next to this module (the admin's CSP allows our own stylesheets).
const stylesheet = new URL("./editor-media.css", import.meta.url).href
if (!document.querySelector(`link[href="${stylesheet}"]`)) {
  document.head.append(crel("link", { rel: "stylesheet", href: stylesheet }))
}

const SIZES = ["full", "inline", "left", "right"]
const SIZE_LABELS = {
  full: "Full width",
  inline: "Inline (narrower, centred)",
  left: "Left (text wraps on wide screens)",
  right: "Right (text wraps on wide screens)",
}
const PROVIDER_HOSTS = [
  [/(^|\.)(youtube\.com|youtu\.be)$/, "youtube"],
  [/(^|\.)(twitter\.com|x\.com)$/, "x"],
  [/(^|\.)instagram\.com$/, "instagram"],
  [/(^|\.)facebook\.com$/, "facebook"],
]

const csrfToken = () =>
  document.querySelector("[name=csrfmiddlewaretoken]")?.value || ""

const captionOf = (element) =>
  element.querySelector("figcaption")?.textContent.trim() || ""

const figure = (attrs, caption) =>
  caption ? ["figure", attrs, ["figcaption", {}, caption]] : ["figure", attrs]

async function fetchPhotos(url, params) {
  const query = new URLSearchParams(params)
  const response = await fetch(`${url}?${query}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`The photo library answered ${response.status}.`)
  return response.json()
}

const thumbnailCache = new Map()

async function describePhotos(url, ids) {
  const missing = ids.filter((id) => !thumbnailCache.has(id))
  if (missing.length) {
    const data = await fetchPhotos(url, { ids: missing.join(",") })
    for (const photo of data.results) thumbnailCache.set(String(photo.id), photo)
  }
  return ids.map((id) => thumbnailCache.get(id)).filter(Boolean)
}

// --- The chooser dialog -------------------------------------------------------------------------------------

function chooser(editor, options, { multiple, initial = {} }) {
  return new Promise((resolve) => {
    const selected = [...(initial.ids || [])]
    const status = crel("p", { className: "media-chooser__status", role: "status" })
    const search = crel("input", {
      type: "search",
      name: "q",
      id: "media-chooser-q",
      placeholder: "Caption, credit or uploader",
      autocomplete: "off",
    })
    const results = crel("ul", { className: "media-chooser__results" })
    const selection = crel("p", { className: "media-chooser__selection" })

    const file = crel("input", { type: "file", name: "image", id: "media-chooser-file", accept: "image/*" })
    const alt = crel("input", { type: "text", name: "alt_text", id: "media-chooser-alt", size: 40 })
    const uploadCaption = crel("input", { type: "text", name: "caption", id: "media-chooser-upload-caption", size: 40 })
    const credit = crel("select", { name: "credit", id: "media-chooser-credit" })
    const uploadButton = crel("button", { type: "button", textContent: "Upload and select" })
    const uploadErrors = crel("p", { className: "media-chooser__errors", role: "alert" })

    const size = crel(
      "select",
      { name: "size", id: "media-chooser-size" },
      SIZES.map((value) => crel("option", { value, textContent: SIZE_LABELS[value] })),
    )
    size.value = initial.size || "full"
    const caption = crel("input", {
      type: "text",
      name: "caption_override",
      id: "media-chooser-caption",
      size: 50,
      value: initial.caption || "",
    })

    const field = (label, input, help) =>
      crel("div", { className: "prose-editor-dialog-field" }, [
        crel("label", { htmlFor: input.id, textContent: label }, help ? [crel("span", { className: "prose-editor-help", textContent: help })] : []),
        input,
      ])

    const insert = crel("button", { type: "submit", textContent: multiple ? "Insert gallery" : "Insert photo" })
    const cancel = crel("button", { type: "button", value: "cancel", textContent: "Cancel" })

    const form = crel("form", { className: "media-chooser" }, [
      crel("h3", { className: "prose-editor-dialog-title", textContent: multiple ? "Insert a gallery" : "Insert a photo" }),
      field("Search the photo library", search),
      status,
      results,
      selection,
      crel("details", { className: "media-chooser__upload" }, [
        crel("summary", { textContent: "Upload a new photo" }),
        field("Picture", file),
        field("Alt text", alt, "Describe the picture for readers who cannot see it."),
        field("Caption", uploadCaption),
        field("Credit", credit),
        uploadButton,
        uploadErrors,
      ]),
      multiple
        ? field("Gallery title (optional)", caption)
        : crel("div", {}, [
            field("Size", size),
            field("Caption for this story (optional)", caption, "Leave empty to use the photo's own caption."),
          ]),
      crel("div", { className: "prose-editor-dialog-buttons" }, [insert, cancel]),
    ])
    const dialog = crel("dialog", { className: "prose-editor-dialog media-chooser-dialog" }, [form])
    const wrapper = crel("div", {}, [dialog])

    const known = new Map()
    for (const id of selected) if (thumbnailCache.has(id)) known.set(id, thumbnailCache.get(id))
    const describeSelection = () => {
      selection.textContent = selected.length
        ? `Selected: ${selected.map((id, i) => `${multiple ? `${i + 1}. ` : ""}${known.get(id)?.caption || known.get(id)?.alt || `photo ${id}`}`).join("; ")}`
        : multiple ? "Pick the photos in the order readers should see them." : "Pick a photo."
      insert.disabled = multiple ? selected.length < 2 : selected.length !== 1
      for (const button of results.querySelectorAll("button[data-id]")) {
        const position = selected.indexOf(button.dataset.id)
        button.setAttribute("aria-pressed", String(position >= 0))
        button.querySelector(".media-chooser__order").textContent = multiple && position >= 0 ? String(position + 1) : ""
      }
    }
    const toggle = (id) => {
      const position = selected.indexOf(id)
      if (position >= 0) selected.splice(position, 1)
      else if (multiple) selected.push(id)
      else selected.splice(0, selected.length, id)
      describeSelection()
    }
    const show = (found) => {
      // What is already chosen stays in view (first) until a search narrows the list.
      const chosen = search.value.trim() ? [] : selected.map((id) => known.get(id)).filter(Boolean)
      const shown = new Set(chosen.map((photo) => String(photo.id)))
      const photos = [...chosen, ...found.filter((photo) => !shown.has(String(photo.id)))]
      results.replaceChildren(
        ...photos.map((photo) => {
          const id = String(photo.id)
          known.set(id, photo)
          const button = crel("button", { type: "button", className: "media-chooser__photo" }, [
            crel("img", { src: photo.thumb, alt: "", width: 80, height: 80 }),
            crel("span", { className: "media-chooser__order", "aria-hidden": "true" }),
            crel("span", { textContent: `${photo.caption || photo.alt} — ${photo.credit}${photo.uploaded_by ? `, uploaded by ${photo.uploaded_by}` : ""}` }),
          ])
          button.dataset.id = id
          button.addEventListener("click", () => toggle(id))
          return crel("li", {}, [button])
        }),
      )
      status.textContent = photos.length ? `${photos.length} photo${photos.length === 1 ? "" : "s"}` : "No photo matches."
      describeSelection()
    }
    let timer
    const runSearch = async () => {
      try {
        const data = await fetchPhotos(options.chooserUrl, { q: search.value, credits: credit.options.length ? "" : "1" })
        if (data.credits) {
          credit.replaceChildren(...data.credits.map((c) => crel("option", { value: c.id, textContent: `${c.name} — ${c.label}` })))
        }
        show(data.results)
      } catch (error) {
        status.textContent = error.message
      }
    }
    search.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(runSearch, 250)
    })
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault()
        clearTimeout(timer)
        runSearch()
      }
    })

    uploadButton.addEventListener("click", async () => {
      uploadErrors.textContent = ""
      if (!file.files.length || !alt.value.trim()) {
        uploadErrors.textContent = "Choose a picture and describe it (alt text)."
        return
      }
      const body = new FormData()
      body.append("image", file.files[0])
      body.append("alt_text", alt.value)
      body.append("caption", uploadCaption.value)
      body.append("credit", credit.value)
      uploadButton.disabled = true
      try {
        const response = await fetch(options.uploadUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        })
        const data = await response.json()
        if (!response.ok) {
          uploadErrors.textContent = Object.entries(data.errors || {})
            .map(([name, errors]) => `${name}: ${errors.join(" ")}`)
            .join(" ") || `Upload failed (${response.status}).`
          return
        }
        thumbnailCache.set(String(data.id), data)
        const current = [...known.values()].filter((photo) => String(photo.id) !== String(data.id))
        show([data, ...current])
        toggle(String(data.id))
        uploadErrors.textContent = ""
        status.textContent = "Uploaded and selected."
      } catch (error) {
        uploadErrors.textContent = error.message
      } finally {
        uploadButton.disabled = false
      }
    })

    const finish = (value) => {
      wrapper.remove()
      resolve(value)
    }
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => finish(null))
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      event.stopPropagation()
      if (insert.disabled) return
      finish({ ids: [...selected], size: size.value, caption: caption.value.trim() })
    })

    editor.view.dom.parentElement.append(wrapper)
    dialog.showModal()
    runSearch()
    search.focus()
  })
}

// --- Node views: what the editor shows in place of a reference ----------------------------------------------

function referenceView(kind, describe, edit) {
  return ({ node, extension, editor, getPos }) => {
    const dom = crel("figure", { className: `media-node media-node--${kind}`, contentEditable: "false" })
    const change = crel("button", { type: "button", className: "media-node__change", textContent: "Change…" })
    change.addEventListener("click", (event) => {
      event.preventDefault()
      edit(editor, extension.options, node.attrs).then((attrs) => {
        if (!attrs) return
        editor.chain().focus().setNodeSelection(getPos()).updateAttributes(node.type.name, attrs).run()
      })
    })
    const render = (current) => {
      const label = crel("figcaption", { className: "media-node__label", textContent: describe(current.attrs) })
      const thumbs = crel("div", { className: "media-node__thumbs" })
      dom.replaceChildren(thumbs, label, change)
      const ids = kind === "photo" ? [current.attrs.photo] : kind === "gallery" ? (current.attrs.photos || "").split(",") : []
      if (ids.length && ids[0] && extension.options.chooserUrl) {
        describePhotos(extension.options.chooserUrl, ids.filter(Boolean).map(String)).then((photos) => {
          thumbs.replaceChildren(
            ...photos.map((photo) => crel("img", { src: photo.thumb, alt: photo.alt, width: 96, height: 96 })),
          )
        }).catch(() => {})
      }
    }
    render(node)
    return {
      dom,
      // The "Change…" button is ours, not ProseMirror's.
      stopEvent: (event) => event.target instanceof Element && !!event.target.closest(".media-node__change"),
      ignoreMutation: () => true,
      update(updated) {
        if (updated.type !== node.type) return false
        node = updated
        render(updated)
        return true
      },
    }
  }
}

const editPhoto = (editor, options, attrs) =>
  chooser(editor, options, {
    multiple: false,
    initial: { ids: [String(attrs.photo)], size: attrs.size, caption: attrs.caption },
  }).then((choice) => choice && { photo: choice.ids[0], size: choice.size, caption: choice.caption })

const editGallery = (editor, options, attrs) =>
  chooser(editor, options, {
    multiple: true,
    initial: { ids: (attrs.photos || "").split(",").filter(Boolean), caption: attrs.caption },
  }).then((choice) => choice && { photos: choice.ids.join(","), caption: choice.caption })

const embedDialog = (editor, attrs) =>
  updateAttrsDialog(
    {
      url: {
        type: "string",
        title: "Video or post URL",
        description: "YouTube, X (Twitter), Instagram, Facebook or our own video. Nothing loads from them until a reader clicks.",
        required: true,
        format: "url",
      },
      caption: { type: "string", title: "Title shown to readers (optional)" },
    },
    { title: "Embed a video or post", submitText: "Embed" },
  )(editor, attrs).then((result) => result?.url?.trim() ? { url: result.url.trim(), caption: result.caption.trim() } : null)

const photoMenuOptions = () => ({ chooserUrl: "", uploadUrl: "" })

// --- The three nodes ---------------------------------------------------------------------------------------

export const BodyPhoto = Node.create({
  name: "bodyPhoto",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions: photoMenuOptions,

  addAttributes() {
    return {
      photo: { default: null, parseHTML: (el) => el.getAttribute("data-photo"), rendered: false },
      size: { default: "full", parseHTML: (el) => el.getAttribute("data-size") || "full", rendered: false },
      caption: { default: "", parseHTML: captionOf, rendered: false },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-photo]", priority: 60 }]
  },

  renderHTML({ node }) {
    return figure({ "data-photo": node.attrs.photo, "data-size": node.attrs.size }, node.attrs.caption)
  },

  addNodeView() {
    return referenceView("photo", (attrs) =>
      `Photo ${attrs.photo} · ${SIZE_LABELS[attrs.size] || attrs.size}${attrs.caption ? ` · “${attrs.caption}”` : ""}`, editPhoto)
  },

  addCommands() {
    return {
      insertBodyPhoto:
        () =>
        ({ editor }) => {
          chooser(editor, this.options, { multiple: false }).then((choice) => {
            if (!choice) return
            editor.chain().focus().insertContent({
              type: this.name,
              attrs: { photo: choice.ids[0], size: choice.size, caption: choice.caption },
            }).run()
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "bodyPhoto",
      groups: "nodes",
      command(editor) {
        editor.commands.insertBodyPhoto()
      },
      button: buttons.material("add_photo_alternate", "Insert photo"),
    })
  },
})

export const BodyGallery = Node.create({
  name: "bodyGallery",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions: photoMenuOptions,

  addAttributes() {
    return {
      photos: { default: "", parseHTML: (el) => el.getAttribute("data-gallery") || "", rendered: false },
      caption: { default: "", parseHTML: captionOf, rendered: false },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-gallery]", priority: 60 }]
  },

  renderHTML({ node }) {
    return figure({ "data-gallery": node.attrs.photos }, node.attrs.caption)
  },

  addNodeView() {
    return referenceView("gallery", (attrs) =>
      `Gallery of ${(attrs.photos || "").split(",").filter(Boolean).length} photos${attrs.caption ? ` · “${attrs.caption}”` : ""}`, editGallery)
  },

  addCommands() {
    return {
      insertBodyGallery:
        () =>
        ({ editor }) => {
          chooser(editor, this.options, { multiple: true }).then((choice) => {
            if (!choice) return
            editor.chain().focus().insertContent({
              type: this.name,
              attrs: { photos: choice.ids.join(","), caption: choice.caption },
            }).run()
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "bodyGallery",
      groups: "nodes",
      command(editor) {
        editor.commands.insertBodyGallery()
      },
      button: buttons.material("photo_library", "Insert gallery"),
    })
  },
})

export function providerOf(url) {
  try {
    const host = new URL(url).hostname.toLowerCase()
    return PROVIDER_HOSTS.find(([pattern]) => pattern.test(host))?.[1] || "link"
  } catch {
    return "link"
  }
}

export const BodyEmbed = Node.create({
  name: "bodyEmbed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      url: { default: "", parseHTML: (el) => el.getAttribute("data-url") || "", rendered: false },
      caption: { default: "", parseHTML: captionOf, rendered: false },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-embed]", priority: 60 }]
  },

  renderHTML({ node }) {
    // The server decides the provider from the URL (articles/embeds.py); this is the editor's guess.
    return figure({ "data-embed": providerOf(node.attrs.url), "data-url": node.attrs.url }, node.attrs.caption)
  },

  addNodeView() {
    return referenceView("embed", (attrs) => {
      const provider = providerOf(attrs.url)
      const label = provider === "link" ? "Not a known video or post: readers get a plain link" : `Embedded ${provider}`
      return `${label} · ${attrs.url}${attrs.caption ? ` · “${attrs.caption}”` : ""}`
    }, (editor, _options, attrs) => embedDialog(editor, { url: attrs.url, caption: attrs.caption }))
  },

  addCommands() {
    return {
      insertBodyEmbed:
        () =>
        ({ editor }) => {
          embedDialog(editor, { url: "", caption: "" }).then((attrs) => {
            if (!attrs) return
            editor.chain().focus().insertContent({ type: this.name, attrs }).run()
          })
          return true
        },
    }
  },

  // A video or post URL pasted alone into an empty paragraph becomes an embed; pasted into text, it stays a link.
  addProseMirrorPlugins() {
    const type = this.type
    return [
      new Plugin({
        props: {
          handlePaste(view, event) {
            const text = event.clipboardData?.getData("text/plain")?.trim() || ""
            if (!/^https?:\/\/\S+$/.test(text) || providerOf(text) === "link") return false
            const { $from, empty } = view.state.selection
            if (!empty || $from.parent.type.name !== "paragraph" || $from.parent.content.size) return false
            view.dispatch(view.state.tr.replaceWith($from.before(), $from.after(), type.create({ url: text })))
            return true
          },
        },
      }),
    ]
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "bodyEmbed",
      groups: "nodes",
      command(editor) {
        editor.commands.insertBodyEmbed()
      },
      button: buttons.material("smart_display", "Embed a video or post"),
    })
  },
})
