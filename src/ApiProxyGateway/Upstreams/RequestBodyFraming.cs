using System.Globalization;
using System.Text;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// Follows a request body through the write stream without changing it, so the start of the next request head is
/// known: counts a Content-Length body, or walks chunk-size lines, chunk data and trailers of a chunked one.
/// </summary>
internal sealed class RequestBodyFraming
{
    private readonly StringBuilder _line = new();
    private State _state;
    private long _remaining;

    private enum State
    {
        Complete,
        Fixed,
        ChunkSizeLine,
        ChunkData,
        ChunkDataEnd,
        TrailerLine,
    }

    public bool IsComplete => _state == State.Complete;

    public void Start(RequestFraming framing)
    {
        _line.Clear();
        if (framing.IsChunked)
        {
            _state = State.ChunkSizeLine;
        }
        else
        {
            _remaining = framing.ContentLength;
            _state = _remaining > 0 ? State.Fixed : State.Complete;
        }
    }

    /// <summary>Consumes body bytes from the start of <paramref name="data"/> and returns how many belonged to the body.</summary>
    public int Advance(ReadOnlySpan<byte> data)
    {
        var consumed = 0;
        while (consumed < data.Length && _state != State.Complete)
        {
            switch (_state)
            {
                case State.Fixed or State.ChunkData:
                    var take = (int)Math.Min(_remaining, data.Length - consumed);
                    consumed += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = _state == State.Fixed ? State.Complete : State.ChunkDataEnd;
                        _remaining = 2;
                    }

                    break;
                case State.ChunkDataEnd:
                    consumed++;
                    if (--_remaining == 0)
                    {
                        _state = State.ChunkSizeLine;
                    }

                    break;
                default:
                    var b = data[consumed++];
                    if (b != '\n')
                    {
                        _line.Append((char)b);
                        continue;
                    }

                    EndLine(_line.ToString().TrimEnd('\r'));
                    _line.Clear();
                    break;
            }
        }

        return consumed;
    }

    private void EndLine(string line)
    {
        if (_state == State.TrailerLine)
        {
            _state = line.Length == 0 ? State.Complete : State.TrailerLine;
            return;
        }

        var size = line.Split(';', 2)[0].Trim();
        _remaining = long.Parse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        _state = _remaining == 0 ? State.TrailerLine : State.ChunkData;
    }
}
