// Saves a file in the browser: the builder's and the list page's JSON export, the leads' CSV export.
const saveBlob = (fileName, blob) => {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
};

window.sequencesDownload = (fileName, text) => saveBlob(fileName, new Blob([text], { type: "application/json" }));

// Large files come as a stream reference, not as one SignalR message.
window.sequencesDownloadStream = async (fileName, contentType, streamRef) =>
    saveBlob(fileName, new Blob([await streamRef.arrayBuffer()], { type: contentType }));
