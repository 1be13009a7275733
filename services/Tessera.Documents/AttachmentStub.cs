namespace Tessera.Documents;

/// <summary>An attachment as recorded in a stored body: <c>{"content_type","digest","length","revpos","stub":true}</c>.</summary>
/// <param name="Name">The attachment name.</param>
/// <param name="ContentType">The media type.</param>
/// <param name="Digest">The content digest (<c>md5-</c> + base64); attachments are stored by digest.</param>
/// <param name="Length">The content length in bytes.</param>
/// <param name="RevPos">The generation that last changed the attachment.</param>
public sealed record AttachmentStub(string Name, string ContentType, string Digest, long Length, int RevPos);
