namespace Tessera.Grains;

/// <summary>An entry of the grain's ordered queue.</summary>
internal abstract class PendingOperation
{
    public abstract Task RunAsync();
}

/// <summary>A document write; consecutive ones are committed together.</summary>
internal sealed class PendingWrite(WriteRequest request) : PendingOperation
{
    public WriteRequest Request { get; } = request;

    public TaskCompletionSource<WriteResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task RunAsync() => throw new InvalidOperationException("Writes are drained as group commits.");
}

/// <summary>Any other operation, run alone in its turn.</summary>
internal sealed class PendingControl<T>(Func<Task<T>> operation) : PendingOperation
{
    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task RunAsync()
    {
        try
        {
            Completion.TrySetResult(await operation());
        }
        catch (Exception exception)
        {
            Completion.TrySetException(exception);
        }
    }
}
