import java.util.Scanner;

public class Main {
    private final long[] left;
    private final long[] right;

    Main(long[] left, long[] right) {
        this.left = left;
        this.right = right;
    }

    /** How many intervals contain the given point. */
    int depthAt(long point) {
        int depth = 0;
        for (int i = 0; i < left.length; i++) {
            if (left[i] <= point && point <= right[i]) depth++;
        }
        return depth;
    }

    /** The deepest point is always some interval's left end. */
    int maxDepth() {
        int result = 0;
        for (long candidate : left) {
            result = Math.max(result, depthAt(candidate));
        }
        return result;
    }

    public static void main(String[] args) {
        try (Scanner scanner = new Scanner(System.in)) {
            int n = scanner.nextInt();
            long[] left = new long[n];
            long[] right = new long[n];
            for (int i = 0; i < n; i++) {
                left[i] = scanner.nextLong();
                right[i] = scanner.nextLong();
            }
            System.out.println(new Main(left, right).maxDepth());
        }
    }
}
