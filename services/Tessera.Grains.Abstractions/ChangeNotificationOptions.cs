using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Tessera.Grains;

/// <summary>How change hints reach other nodes, bound from <c>Tessera:ChangeNotifications</c>.</summary>
public sealed class ChangeNotificationOptions
{
    /// <summary>
    /// How often a node renews its registration with each database it has live subscribers for. Each renewal also reads
    /// the database's committed sequence and wakes subscribers if it moved, so it bounds how long a lost hint (or a grain
    /// that moved between silos) can delay a subscriber on another node.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a database grain keeps sending hints to a node that stopped renewing (it crashed or lost its subscribers).</summary>
    [Range(typeof(TimeSpan), "00:00:03", "01:00:00")]
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A commit of at most this many documents carries its change rows in its notification (larger ones send the
    /// sequence only, and subscribers read storage). 0 turns rows in notifications off.
    /// </summary>
    [Range(0, 1000)]
    public int RowsPerNotification { get; set; } = 64;

    /// <summary>How many recent change rows a node keeps per followed database to serve subscribers without a storage read.</summary>
    [Range(0, 10_000)]
    public int RecentRowsPerDatabase { get; set; } = 128;

    /// <summary>How many databases a node keeps recent change rows for at once; others are served from storage.</summary>
    [Range(0, 100_000)]
    public int RecentDatabases { get; set; } = 1000;
}

/// <summary>A registration must outlive at least two missed renewals, or a busy node would drop out between them.</summary>
internal sealed class ChangeNotificationOptionsValidator : IValidateOptions<ChangeNotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, ChangeNotificationOptions options) =>
        options.ObserverExpiry >= options.RefreshInterval * 2
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Tessera:ChangeNotifications:ObserverExpiry ({options.ObserverExpiry}) must be at least twice RefreshInterval ({options.RefreshInterval}).");
}
