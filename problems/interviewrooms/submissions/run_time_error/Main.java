// CRASHES: correct greedy with a hand-written binary heap of room end times, but the
// heap array assumes that the office never needs more than 1000 rooms:
// ArrayIndexOutOfBoundsException on inputs that need more.
import java.io.*;
import java.util.*;

public class Main {
    static final int MAX_ROOMS = 1000;
    static long[] heap = new long[MAX_ROOMS]; // entries: end * 2^17 + room
    static int size = 0;

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in), 1 << 16);
        int n = Integer.parseInt(br.readLine().trim());
        long[] s = new long[n], e = new long[n], keys = new long[n];
        for (int i = 0; i < n; i++) {
            StringTokenizer st = new StringTokenizer(br.readLine());
            s[i] = Long.parseLong(st.nextToken());
            e[i] = Long.parseLong(st.nextToken());
            keys[i] = (s[i] << 17) | i;
        }
        Arrays.sort(keys);
        int[] room = new int[n];
        int k = 0;
        for (long key : keys) {
            int i = (int) (key & ((1 << 17) - 1));
            if (size > 0 && (heap[0] >> 17) <= s[i]) {
                room[i] = (int) (pop() & ((1 << 17) - 1));
            } else {
                room[i] = ++k;
            }
            push((e[i] << 17) | room[i]);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(k).append('\n');
        for (int i = 0; i < n; i++) sb.append(room[i]).append(i + 1 < n ? ' ' : '\n');
        System.out.print(sb);
    }

    static void push(long v) {
        int pos = size++;
        heap[pos] = v;
        while (pos > 0 && heap[(pos - 1) / 2] > heap[pos]) {
            long t = heap[pos]; heap[pos] = heap[(pos - 1) / 2]; heap[(pos - 1) / 2] = t;
            pos = (pos - 1) / 2;
        }
    }

    static long pop() {
        long top = heap[0];
        heap[0] = heap[--size];
        int pos = 0;
        while (true) {
            int c = 2 * pos + 1;
            if (c >= size) break;
            if (c + 1 < size && heap[c + 1] < heap[c]) c++;
            if (heap[pos] <= heap[c]) break;
            long t = heap[pos]; heap[pos] = heap[c]; heap[c] = t;
            pos = c;
        }
        return top;
    }
}
