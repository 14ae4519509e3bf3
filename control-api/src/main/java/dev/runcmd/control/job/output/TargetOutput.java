package dev.runcmd.control.job.output;

import dev.runcmd.control.output.StdStream;

/**
 * Output of one target of a job, decoded as UTF-8: a character split between chunks comes out whole in one event,
 * and bytes that are not UTF-8 become U+FFFD.
 *
 * @param machine the target machine's name
 * @param stream the stream
 * @param offset the byte offset in the stream of the first byte of {@code text}
 * @param text the text
 */
public record TargetOutput(String machine, StdStream stream, long offset, String text) {
}
