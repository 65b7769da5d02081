// SPDX-License-Identifier: MIT
// X-Sender / X-Receiver envelopes written before a message (Exchange drop-file format).
using System;
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>An envelope for drop files. Addresses must be printable ASCII (header injection is refused).</summary>
    public sealed class Envelope : IDisposable
    {
        private SWIGTYPE_p_dw_envelope handle;

        /// <summary>Create an empty envelope.</summary>
        public Envelope()
        {
            Interop.EnsureLoaded();
            handle = DropWatchNative.dwcs_envelope_new(out int st);
            if ((dw_status)st != dw_status.DW_OK) throw Interop.StatusException((dw_status)st, "creating an envelope");
        }

        /// <summary>Create an envelope with a sender and recipients.</summary>
        public Envelope(string sender, params string[] recipients) : this()
        {
            SetSender(sender);
            foreach (var r in recipients ?? Array.Empty<string>()) AddRecipient(r);
        }

        /// <summary>Create an envelope without throwing: false with the exception in error.</summary>
        public static bool TryCreate(string sender, string[] recipients, out Envelope envelope, out Exception error)
            => Interop.Attempt(() =>
            {
                var e = new Envelope();
                try
                {
                    if (sender != null) e.SetSender(sender);
                    foreach (var r in recipients ?? Array.Empty<string>()) e.AddRecipient(r);
                    return e;
                }
                catch
                {
                    e.Dispose();
                    throw;
                }
            }, out envelope, out error);

        internal SWIGTYPE_p_dw_envelope Handle =>
            handle ?? throw new ObjectDisposedException(nameof(Envelope));

        /// <summary>Set X-Sender and optional MAIL FROM parameters.</summary>
        public void SetSender(string address, string parameters = null)
        {
            if (address == null) throw new ArgumentNullException(nameof(address));
            dw_status st = DropWatchNative.dw_envelope_set_sender(Handle, address, parameters);
            if (st != dw_status.DW_OK) throw Interop.StatusException(st, "setting the envelope sender '" + address + "'", nameof(address));
        }

        /// <summary>Add an X-Receiver with optional RCPT TO parameters.</summary>
        public void AddRecipient(string address, string parameters = null)
        {
            if (address == null) throw new ArgumentNullException(nameof(address));
            dw_status st = DropWatchNative.dw_envelope_add_recipient(Handle, address, parameters);
            if (st != dw_status.DW_OK) throw Interop.StatusException(st, "adding the envelope recipient '" + address + "'", nameof(address));
        }

        /// <summary>Choose what X-EndOfInjectedXHeaders holds.</summary>
        public void SetEndOfHeadersMode(EndOfHeadersMode mode)
        {
            dw_status st = DropWatchNative.dw_envelope_set_eoh_mode(Handle, (dw_eoh_mode)(int)mode);
            if (st != dw_status.DW_OK) throw Interop.StatusException(st, "setting the end-of-headers mode", nameof(mode));
        }

        /// <summary>The injected headers for a MIME message of mimeLength bytes (CRLF line ends).</summary>
        public string Format(ulong mimeLength)
        {
            var h = Handle;
            dw_status st = Interop.CallAlloc((out IntPtr t) => DropWatchNative.dwcs_envelope_format(h, mimeLength, out t),
                                             out string text);
            if (st != dw_status.DW_OK) throw Interop.StatusException(st, "formatting the envelope");
            return text;
        }

        /// <summary>Free the native envelope.</summary>
        public void Dispose()
        {
            if (handle != null)
            {
                DropWatchNative.dw_envelope_free(handle);
                handle = null;
            }
            GC.SuppressFinalize(this);
        }

        /// <summary>Free a forgotten envelope (it owns no other native object).</summary>
        ~Envelope()
        {
            if (handle != null) DropWatchNative.dw_envelope_free(handle);
        }
    }
}
