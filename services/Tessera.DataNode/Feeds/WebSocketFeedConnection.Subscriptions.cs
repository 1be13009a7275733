using Microsoft.Extensions.Logging;

namespace Tessera.DataNode.Feeds;

/// <summary>Subscribing, unsubscribing and the backpressure between a subscription and the send buffer.</summary>
internal sealed partial class WebSocketFeedConnection
{
    private async Task HandleAsync(ClientMessage message)
    {
        switch (message.Type)
        {
            case "ping":
                Enqueue(WebSocketMessages.Pong());
                break;
            case "unsubscribe":
                await UnsubscribeAsync(message.Db!);
                break;
            case "subscribe":
                await SubscribeAsync(message.Db!, message.Subscribe!);
                break;
            default:
                Enqueue(WebSocketMessages.Error(message.Db, message.Error!, message.Reason!));
                break;
        }
    }

    private async Task SubscribeAsync(string db, SubscribeOptions subscribe)
    {
        var database = await services.Catalog.GetAsync(tenant, db, abort.Token);
        if (database is null)
        {
            Enqueue(WebSocketMessages.Error(db, "not_found", "Database does not exist."));
            return;
        }

        if (await services.Authorizer.AuthorizeReadAsync(context, database, abort.Token) is { } denial)
        {
            Enqueue(WebSocketMessages.Error(db, denial.Error, denial.Reason));
            return;
        }

        WebSocketSubscription? replaced;
        bool full;
        lock (gate)
        {
            subscriptions.TryGetValue(db, out replaced);
            full = replaced is null && subscriptions.Count >= options.MaxSubscriptionsPerConnection;
        }

        // Note: queued outside the lock: queuing may start the sender, which writes to the socket on this thread.
        if (full)
        {
            Enqueue(WebSocketMessages.Error(db, "bad_request", $"A connection follows at most {options.MaxSubscriptionsPerConnection} databases."));
            return;
        }

        // Subscribing again to a database replaces its subscription (new since, new filter): the old one's rows come first.
        if (replaced is not null)
        {
            await StopAsync(replaced);
        }

        var request = subscribe.SinceNow ? subscribe.Request with { Since = database.UpdateSeq } : subscribe.Request;
        Start(services.Stream(database, request));
    }

    private async Task UnsubscribeAsync(string db)
    {
        WebSocketSubscription? subscription;
        lock (gate)
        {
            subscriptions.Remove(db, out subscription);
        }

        if (subscription is null)
        {
            Enqueue(WebSocketMessages.Error(db, "not_found", "Not subscribed to this database."));
            return;
        }

        await StopAsync(subscription);

        // Every row up to the cursor was queued before this message, so the client resumes there.
        Enqueue(WebSocketMessages.Unsubscribed(db, subscription.Stream.Cursor));
    }

    private void Start(ChangeStream stream)
    {
        var subscription = new WebSocketSubscription(this, stream);
        lock (gate)
        {
            if (buffer.State != SendBufferState.Open)
            {
                return;
            }

            subscriptions[subscription.Db] = subscription;
        }

        Enqueue(WebSocketMessages.Subscribed(subscription));
        subscription.Running = RunSubscriptionAsync(subscription);
    }

    private async Task RunSubscriptionAsync(WebSocketSubscription subscription)
    {
        services.Metrics.SubscriptionStarted();
        try
        {
            // A subscription has no limit and no timeout: it ends when cancelled, or when its database is deleted.
            await subscription.Stream.RunAsync(subscription, subscription.Cancellation.Token);
            Forget(subscription);
            Enqueue(WebSocketMessages.Error(subscription.Db, "not_found", "Database was deleted."));
        }
        catch (OperationCanceledException) when (subscription.Cancellation.IsCancellationRequested || buffer.State != SendBufferState.Open)
        {
            // Unsubscribed, replaced, or the connection ends.
        }
        catch (Exception exception)
        {
            LogSubscriptionFailed(services.Logger, exception, tenant, subscription.Db);
            Forget(subscription);
            Enqueue(WebSocketMessages.Error(subscription.Db, "unknown_error", "Reading changes failed; subscribe again from last_seq.", subscription.Stream.Cursor));
        }
        finally
        {
            services.Metrics.SubscriptionEnded();
        }
    }

    /// <summary>
    /// Queues a row, waiting while the send buffer is full. A consumer that stays full while more than
    /// <see cref="FeedOptions.MaxLagChanges"/> further changes are committed to the database overflows the connection;
    /// catching up from an old sequence only waits (those changes were committed before the wait began).
    /// </summary>
    internal async ValueTask EnqueueRowAsync(WebSocketSubscription subscription, OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (TryEnqueueRow(message))
        {
            return;
        }

        try
        {
            var key = subscription.Stream.Database.Key;
            var baseline = Math.Max(services.Hub.Current(key), subscription.Stream.Cursor);
            var lagLimit = baseline >= long.MaxValue - options.MaxLagChanges ? long.MaxValue - 1 : baseline + options.MaxLagChanges;
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var lagged = services.Hub.WaitAsync(key, lagLimit, stall.Token);
            try
            {
                while (true)
                {
                    if (buffer.State != SendBufferState.Open)
                    {
                        throw new OperationCanceledException("The connection is closing.");
                    }

                    var room = buffer.WaitForRoomAsync(stall.Token);
                    if (await Task.WhenAny(room, lagged) == lagged)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (await lagged)
                        {
                            Overflow();
                            throw new OperationCanceledException("The consumer fell behind.");
                        }
                    }

                    await room;
                    if (TryEnqueueRow(message))
                    {
                        return;
                    }
                }
            }
            finally
            {
                await stall.CancelAsync();
            }
        }
        catch
        {
            message.Release();
            throw;
        }
    }

    // A row into an idle connection is written to the socket right here, on the subscription's own thread.
    private bool TryEnqueueRow(OutgoingMessage message)
    {
        switch (buffer.TryEnqueueRow(message))
        {
            case SendStart.Start:
                _ = SendAsync();
                return true;
            case SendStart.Queued:
                return true;
            default:
                return false;
        }
    }

    private async Task StopAsync(WebSocketSubscription subscription)
    {
        // Note: the token source is not disposed (it has no timer): a concurrent close may still cancel it.
        await subscription.Cancellation.CancelAsync();
        await subscription.Running;
    }

    private void CancelSubscriptions()
    {
        List<WebSocketSubscription> all;
        lock (gate)
        {
            all = [.. subscriptions.Values];
        }

        foreach (var subscription in all)
        {
            subscription.Cancellation.Cancel();
        }
    }

    private async Task StopSubscriptionsAsync()
    {
        List<WebSocketSubscription> all;
        lock (gate)
        {
            all = [.. subscriptions.Values];
            subscriptions.Clear();
        }

        foreach (var subscription in all)
        {
            await StopAsync(subscription);
        }
    }

    private void Forget(WebSocketSubscription subscription)
    {
        lock (gate)
        {
            if (subscriptions.TryGetValue(subscription.Db, out var current) && current == subscription)
            {
                subscriptions.Remove(subscription.Db);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A WebSocket subscription to {Tenant}/{Database} failed")]
    private static partial void LogSubscriptionFailed(ILogger logger, Exception exception, string tenant, string database);
}
