// Interview Rooms: sweep interviews by start time; reuse the room that becomes free
// earliest if it is free by then, otherwise open a new room. O(n log n).
// Keys are packed into longs: start * 2^17 + index and end * 2^17 + room (< 2^47).
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
        int n = (int) readLong(in);
        long[] s = new long[n], e = new long[n];
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = readLong(in);
            e[i] = readLong(in);
            keys[i] = (s[i] << 17) | i;
        }
        Arrays.sort(keys);
        PriorityQueue<Long> busy = new PriorityQueue<>();
        int[] room = new int[n];
        int k = 0;
        for (long key : keys) {
            int i = (int) (key & ((1 << 17) - 1));
            if (!busy.isEmpty() && (busy.peek() >> 17) <= s[i]) {
                room[i] = (int) (busy.poll() & ((1 << 17) - 1));
            } else {
                room[i] = ++k;
            }
            busy.add((e[i] << 17) | room[i]);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(k).append('\n');
        for (int i = 0; i < n; i++) sb.append(room[i]).append(i + 1 < n ? ' ' : '\n');
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
        out.print(sb);
        out.flush();
    }

    private static long readLong(DataInputStream in) throws IOException {
        int b = in.read();
        while (b < '0' || b > '9') b = in.read();
        long r = 0;
        while (b >= '0' && b <= '9') { r = r * 10 + (b - '0'); b = in.read(); }
        return r;
    }
}
