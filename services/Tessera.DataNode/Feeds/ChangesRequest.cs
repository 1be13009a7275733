using Tessera.Documents.Selectors;

namespace Tessera.DataNode.Feeds;

public enum ChangesFeed
{
    Normal,
    LongPoll,
    Continuous,
    EventSource,
    WebSocket,
}

/// <summary>A parsed <c>_changes</c> request: what to read and how to deliver it.</summary>
internal sealed record ChangesRequest(
    ChangesFeed Feed,
    long Since,
    int Limit,
    bool Descending,
    bool IncludeDocs,
    bool AllLeaves,
    bool Conflicts,
    IReadOnlySet<string>? DocIds,
    Selector? Selector,
    TimeSpan Timeout,
    TimeSpan? Heartbeat);
