namespace Tessera.Security;

/// <summary>What a caller may do with a database. Each level includes the ones below it.</summary>
public enum Rights
{
    None = 0,

    /// <summary>Read documents, attachments, <c>_all_docs</c>, <c>_changes</c> and feeds.</summary>
    Read = 1,

    /// <summary>Also create, update and delete documents and attachments.</summary>
    Write = 2,

    /// <summary>Also design documents, <c>_security</c>, <c>_revs_limit</c>, compaction and deleting the database.</summary>
    Admin = 3,
}
